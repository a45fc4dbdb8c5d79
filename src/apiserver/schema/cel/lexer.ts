// Tokens of the CEL subset we evaluate (see docs/apiserver-schema.md for the boundary).

export type Token =
  | { readonly t: "num"; readonly v: number }
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "id"; readonly v: string }
  | { readonly t: "op"; readonly v: string }
  | { readonly t: "end" };

/** Thrown for any rule outside the subset; callers treat such rules as accepted and unevaluated. */
export class CelUnsupported extends Error {}

const OPS = [
  "&&",
  "||",
  "==",
  "!=",
  "<=",
  ">=",
  "<",
  ">",
  "!",
  "+",
  "-",
  "*",
  "/",
  "%",
  "?",
  ":",
  "(",
  ")",
  "[",
  "]",
  ".",
  ",",
];
const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

const readString = (src: string, start: number): { value: string; end: number } => {
  const quote = src[start]!;
  let out = "";
  let i = start + 1;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === "\\") {
      const e = ESCAPES[src[i + 1] ?? ""];
      if (e === undefined) throw new CelUnsupported(`unsupported escape at ${i}`);
      out += e;
      i += 2;
    } else {
      out += src[i];
      i++;
    }
  }
  if (i >= src.length) throw new CelUnsupported("unterminated string");
  return { value: out, end: i + 1 };
};

export const tokenize = (src: string): Token[] => {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = readString(src, i);
      out.push({ t: "str", v: s.value });
      i = s.end;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new CelUnsupported(`unexpected character ${JSON.stringify(c)}`);
    out.push({ t: "op", v: op });
    i += op.length;
  }
  out.push({ t: "end" });
  return out;
};
