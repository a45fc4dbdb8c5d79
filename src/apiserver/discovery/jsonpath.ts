// The JSONPath subset kubectl and kube-apiserver use for printer columns (client-go's jsonpath):
// `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `.*`, `..name`, unions `[0,2]` and filters
// `[?(@.type=='Ready')]` with == != < <= > >= or bare existence. Missing keys yield no results.

type Filter = { readonly path: Segment[]; readonly op?: string; readonly value?: unknown };
type Segment =
  | { readonly k: "field"; readonly name: string }
  | { readonly k: "recursive"; readonly name: string }
  | { readonly k: "wildcard" }
  | { readonly k: "index"; readonly indices: ReadonlyArray<number> }
  | { readonly k: "slice"; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly k: "filter"; readonly filter: Filter };

export class JsonPathError extends Error {}

export interface JsonPath {
  readonly source: string;
  readonly segments: ReadonlyArray<Segment>;
}

const NAME = /^(?:\\.|[A-Za-z0-9_\-/])+/;

const readLiteral = (s: string): unknown => {
  const t = s.trim();
  if (/^'.*'$|^".*"$/.test(t)) return t.slice(1, -1);
  if (t === "true" || t === "false") return t === "true";
  if (t === "nil" || t === "null") return null;
  const n = Number(t);
  if (t === "" || Number.isNaN(n)) throw new JsonPathError(`unrecognized literal ${t}`);
  return n;
};

const parseFilter = (body: string): Filter => {
  const m = /^\s*@((?:\.|\[)[^=!<>]*?)?\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/.exec(body);
  if (m) return { path: parseSegments(m[1] ?? ""), op: m[2]!, value: readLiteral(m[3]!) };
  const e = /^\s*@((?:\.|\[).*?)\s*$/.exec(body);
  if (!e) throw new JsonPathError(`unrecognized filter ${body}`);
  return { path: parseSegments(e[1]!) };
};

const closing = (src: string, open: number): number => {
  let depth = 0;
  let quote = "";
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
  }
  throw new JsonPathError(`unclosed [ in ${src}`);
};

const int = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === "") return undefined;
  if (!/^\s*-?\d+\s*$/.test(s)) throw new JsonPathError(`not an integer: ${s}`);
  return Number(s);
};

const parseBracket = (body: string): Segment => {
  const t = body.trim();
  if (t === "*") return { k: "wildcard" };
  if (t.startsWith("?(") && t.endsWith(")")) return { k: "filter", filter: parseFilter(t.slice(2, -1)) };
  if (/^'.*'$|^".*"$/.test(t)) return { k: "field", name: t.slice(1, -1) };
  if (t.includes(":")) {
    const [a, b, c] = t.split(":");
    const start = int(a);
    const end = int(b);
    const step = int(c);
    return {
      k: "slice",
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(step !== undefined ? { step } : {}),
    };
  }
  return { k: "index", indices: t.split(",").map((x) => int(x) ?? 0) };
};

function parseSegments(src: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < src.length) {
    if (src.startsWith("..", i)) {
      const m = NAME.exec(src.slice(i + 2));
      if (!m) throw new JsonPathError(`expected a name after .. in ${src}`);
      out.push({ k: "recursive", name: m[0].replace(/\\(.)/g, "$1") });
      i += 2 + m[0].length;
    } else if (src.startsWith(".*", i)) {
      out.push({ k: "wildcard" });
      i += 2;
    } else if (src[i] === ".") {
      const m = NAME.exec(src.slice(i + 1));
      i += 1 + (m?.[0].length ?? 0);
      if (m) out.push({ k: "field", name: m[0].replace(/\\(.)/g, "$1") });
    } else if (src[i] === "[") {
      const end = closing(src, i);
      out.push(parseBracket(src.slice(i + 1, end)));
      i = end + 1;
    } else throw new JsonPathError(`unexpected ${JSON.stringify(src[i])} in ${src}`);
  }
  return out;
}

/** Parses `{.status.replicas}` or `.status.replicas` (printer columns give the latter). */
export const parseJsonPath = (source: string): JsonPath => {
  const t = source.trim();
  const inner = t.startsWith("{") && t.endsWith("}") ? t.slice(1, -1).trim() : t;
  if (inner !== "" && !inner.startsWith(".") && !inner.startsWith("[")) {
    throw new JsonPathError(`a JSONPath must start with . or [: ${source}`);
  }
  return { source, segments: parseSegments(inner) };
};

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const children = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);

const descendants = (v: unknown): unknown[] => [v, ...children(v).flatMap(descendants)];

const compare = (op: string, a: unknown, b: unknown): boolean => {
  if (op === "==") return a === b;
  if (op === "!=") return a !== b;
  const ok =
    (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!ok) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
};

const matches = (f: Filter, item: unknown): boolean => {
  const found = evalSegments(f.path, [item]);
  if (f.op === undefined) return found.length > 0;
  return found.some((v) => compare(f.op!, v, f.value));
};

const applySegment = (s: Segment, v: unknown): unknown[] => {
  switch (s.k) {
    case "field":
      return isObj(v) && s.name in v ? [v[s.name]] : [];
    case "recursive":
      return descendants(v).flatMap((d) => (isObj(d) && s.name in d ? [d[s.name]] : []));
    case "wildcard":
      return children(v);
    case "index":
      if (!Array.isArray(v)) return [];
      return s.indices.flatMap((i) => {
        const j = i < 0 ? v.length + i : i;
        return j >= 0 && j < v.length ? [v[j]] : [];
      });
    case "slice": {
      if (!Array.isArray(v)) return [];
      const clamp = (n: number) => Math.min(Math.max(n < 0 ? v.length + n : n, 0), v.length);
      const step = s.step ?? 1;
      if (step <= 0) return [];
      const out: unknown[] = [];
      for (let i = clamp(s.start ?? 0); i < clamp(s.end ?? v.length); i += step) out.push(v[i]);
      return out;
    }
    case "filter":
      return Array.isArray(v) ? v.filter((item) => matches(s.filter, item)) : [];
  }
};

function evalSegments(segments: ReadonlyArray<Segment>, start: unknown[]): unknown[] {
  return segments.reduce<unknown[]>((values, s) => values.flatMap((v) => applySegment(s, v)), start);
}

/** Every value the path selects in `data`, in document order. */
export const findAll = (path: JsonPath, data: unknown): unknown[] => evalSegments(path.segments, [data]);

/** How client-go's jsonpath prints one result: strings raw, objects and arrays as JSON. */
export const printResult = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
};
