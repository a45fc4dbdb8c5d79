// JSONPath (the printer-column subset in src/apiserver/discovery) against a plain reference evaluator.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { findAll, parseJsonPath } from "../../../src/apiserver/discovery";

type Seg =
  | { k: "field"; name: string; bracket: boolean }
  | { k: "index"; i: number }
  | { k: "wildcard" }
  | { k: "slice"; start: number; end: number }
  | { k: "filter"; key: string; value: string | number };

const KEYS = ["a", "b", "type", "status"];
const scalar = fc.oneof(fc.constantFrom("x", "y", "Ready"), fc.integer({ min: 0, max: 3 }), fc.boolean());

const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.dictionary(fc.constantFrom(...KEYS), tie("tree"), { maxKeys: 4 }),
    fc.array(tie("tree"), { maxLength: 4 }),
  ),
}));

const seg: fc.Arbitrary<Seg> = fc.oneof(
  fc.record({ k: fc.constant("field" as const), name: fc.constantFrom(...KEYS), bracket: fc.boolean() }),
  fc.record({ k: fc.constant("index" as const), i: fc.integer({ min: -3, max: 3 }) }),
  fc.constant({ k: "wildcard" as const }),
  fc.record({
    k: fc.constant("slice" as const),
    start: fc.integer({ min: 0, max: 3 }),
    end: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    k: fc.constant("filter" as const),
    key: fc.constantFrom(...KEYS),
    value: fc.oneof(fc.constantFrom("x", "Ready"), fc.integer({ min: 0, max: 3 })),
  }),
);

const render = (segs: ReadonlyArray<Seg>): string =>
  segs
    .map((s) => {
      switch (s.k) {
        case "field":
          return s.bracket ? `['${s.name}']` : `.${s.name}`;
        case "index":
          return `[${s.i}]`;
        case "wildcard":
          return "[*]";
        case "slice":
          return `[${s.start}:${s.end}]`;
        default:
          return `[?(@.${s.key}==${typeof s.value === "string" ? `'${s.value}'` : s.value})]`;
      }
    })
    .join("");

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The reference: each segment maps every current value to its results, spelled out case by case. */
const reference = (segs: ReadonlyArray<Seg>, data: unknown): unknown[] => {
  let current: unknown[] = [data];
  for (const s of segs) {
    const next: unknown[] = [];
    for (const v of current) {
      if (s.k === "field" && isRecord(v) && Object.hasOwn(v, s.name)) next.push(v[s.name]);
      if (s.k === "index" && Array.isArray(v)) {
        const i = s.i < 0 ? v.length + s.i : s.i;
        if (i >= 0 && i < v.length) next.push(v[i]);
      }
      if (s.k === "wildcard") next.push(...(Array.isArray(v) ? v : isRecord(v) ? Object.values(v) : []));
      if (s.k === "slice" && Array.isArray(v)) next.push(...v.slice(s.start, Math.max(s.start, s.end)));
      if (s.k === "filter" && Array.isArray(v))
        next.push(...v.filter((x) => isRecord(x) && x[s.key] === s.value));
    }
    current = next;
  }
  return current;
};

describe("JSONPath", () => {
  test("matches the reference evaluator on random objects and paths", () => {
    fc.assert(
      fc.property(tree, fc.array(seg, { minLength: 1, maxLength: 4 }), (data, segs) => {
        expect(findAll(parseJsonPath(`{${render(segs)}}`), data)).toEqual(reference(segs, data));
      }),
      { numRuns: 300 },
    );
  });
});
