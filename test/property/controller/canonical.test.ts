import { expect, test } from "bun:test";
import fc from "fast-check";
import { canonicalJson, jsonEqual } from "../../../src/controller/common/canonical";

// jsonEqual answers what comparing the canonical JSON of both sides answers, including for values that differ
// only in key order or in properties set to undefined.
const shuffled = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(shuffled);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, shuffled(x)]),
    );
  return v;
};
const withUndefined = (v: unknown): unknown =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? { ...v, absent: undefined } : v;

test("jsonEqual agrees with comparing canonical JSON", () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  fc.assert(
    fc.property(json, json, (a, b) => {
      expect(jsonEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      expect(jsonEqual(a, shuffled(a))).toBe(true);
      expect(jsonEqual(withUndefined(a), a)).toBe(true);
      expect(jsonEqual([a, undefined], [shuffled(a), null])).toBe(true);
    }),
    { numRuns: 500 },
  );
});
