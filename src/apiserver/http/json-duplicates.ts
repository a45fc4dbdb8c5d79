// Keys a JSON text gives twice in one object. JSON.parse keeps the last silently; kube-apiserver's strict
// decoder reports each as `duplicate field "spec.replicas"` under fieldValidation Strict or Warn.
import { childPath, indexPath } from "../schema";

interface Frame {
  readonly path: string;
  /** Keys seen so far; undefined for arrays. */
  readonly keys: Set<string> | undefined;
  key: string;
  index: number;
  expectKey: boolean;
}

/** Index of the quote closing the string that opens at `start` (one not escaped by a backslash). */
const stringEnd = (text: string, start: number): number => {
  let quote = text.indexOf('"', start + 1);
  for (;;) {
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
};

const valuePath = (frame: Frame | undefined): string => {
  if (!frame) return "";
  return frame.keys ? childPath(frame.path, frame.key) : indexPath(frame.path, frame.index);
};

/**
 * Paths of the repeated keys, in document order (`metadata.name`, `spec.containers[0].image`), compared
 * after unescaping as JSON.parse compares them. `text` must be JSON that JSON.parse accepts.
 */
export const duplicateFields = (text: string): string[] => {
  const duplicates: string[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const top = stack[stack.length - 1];
    switch (text[i]) {
      case "{":
      case "[": {
        const keys = text[i] === "{" ? new Set<string>() : undefined;
        stack.push({ path: valuePath(top), keys, key: "", index: 0, expectKey: keys !== undefined });
        break;
      }
      case "}":
      case "]":
        stack.pop();
        break;
      case ",":
        if (top?.keys) top.expectKey = true;
        else if (top) top.index++;
        break;
      case ":":
        if (top) top.expectKey = false;
        break;
      case '"': {
        const end = stringEnd(text, i);
        if (top?.keys && top.expectKey) {
          const raw = text.slice(i, end + 1);
          const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
          if (top.keys.has(key)) duplicates.push(childPath(top.path, key));
          else top.keys.add(key);
          top.key = key;
        }
        i = end;
        break;
      }
    }
  }
  return duplicates;
};
