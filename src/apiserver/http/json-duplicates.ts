// Keys a JSON text gives twice in one object. JSON.parse keeps the last silently; kube-apiserver's strict
// decoder reports each as `duplicate field "spec.replicas"` under fieldValidation Strict or Warn.
import { childPath, indexPath } from "../schema";

interface Frame {
  /** The enclosing container; its `key` or `index` says where this one sits in it. */
  readonly up: Frame | undefined;
  /** Keys seen so far; undefined for arrays. */
  readonly keys: Set<string> | undefined;
  key: string;
  index: number;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote closing the string that opens at `start` (one not escaped by a backslash). */
const stringEnd = (text: string, start: number): number => {
  let quote = text.indexOf('"', start + 1);
  for (;;) {
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
};

/** Where a container sits, spelled out only when a repeat is found in it (most bodies have none). */
const pathOf = (frame: Frame | undefined): string => {
  const up = frame?.up;
  if (up === undefined) return "";
  return up.keys ? childPath(pathOf(up), up.key) : indexPath(pathOf(up), up.index);
};

const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Colons right after a quote (whitespace aside): one follows every key; others sit only inside strings. */
const keyEnds = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) {
    let j = i - 1;
    while (isJsonSpace(text.charCodeAt(j))) j--;
    if (text.charCodeAt(j) === QUOTE) n++;
  }
  return n;
};

/** Keys of every object in a parsed JSON value. */
const keysIn = (v: unknown): number => {
  if (typeof v !== "object" || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) for (const item of v) n += keysIn(item);
  else for (const k in v) n += 1 + keysIn((v as Record<string, unknown>)[k]);
  return n;
};

/**
 * Paths of the repeated keys, in document order (`metadata.name`, `spec.containers[0].image`), compared
 * after unescaping as JSON.parse compares them. `text` must be JSON that JSON.parse accepts. With `parsed`
 * (JSON.parse of `text`) the usual text, which repeats nothing, is answered without the scan: a repeat
 * leaves one key fewer once parsed, and every key in the text is followed by a quote-colon, so as many
 * quote-colons as parsed keys means no repeat (strings can only add quote-colons, never hide keys).
 */
export const duplicateFields = (text: string, parsed?: unknown): string[] => {
  if (parsed !== undefined && keyEnds(text) === keysIn(parsed)) return [];
  const duplicates: string[] = [];
  let top: Frame | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x7b /* { */:
      case 0x5b /* [ */:
        {
          const keys = c === 0x7b ? new Set<string>() : undefined;
          top = { up: top, keys, key: "", index: 0, expectKey: keys !== undefined };
          break;
        }
      case 0x7d /* } */:
      case 0x5d /* ] */:
        top = top?.up;
        break;
      case 0x2c /* , */:
        if (top?.keys) top.expectKey = true;
        else if (top) top.index++;
        break;
      case 0x3a /* : */:
        if (top) top.expectKey = false;
        break;
      case QUOTE: {
        const end = stringEnd(text, i);
        if (top?.keys && top.expectKey) {
          const raw = text.slice(i, end + 1);
          const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
          if (top.keys.has(key)) duplicates.push(childPath(pathOf(top), key));
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
