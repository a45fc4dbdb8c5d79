// Pruning and defaulting copy on write: they never modify what they are given, and what needs no change comes
// back as the very same value, so an unchanged subtree keeps its identity through admission (validation
// ratcheting then skips it by reference, pruning and defaulting of an update skip it as settled).
import { expect, test } from "bun:test";
import fc from "fast-check";
import { applyDefaults, prune, pruneWithReport } from "../../../src/apiserver/schema";
import { schemaArb, setAt, typedNodes, valueFor, withDefaults } from "../apiserver-schema/arbitraries";

const RUNS = { numRuns: 150 };

const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === "object") {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

test("prune leaves its input alone and returns a value with nothing unknown as it was", () => {
  const clean = schemaArb.chain((s) => valueFor(s).map((v) => [s, v] as const));
  fc.assert(
    fc.property(clean, fc.jsonValue({ maxDepth: 3 }), ([s, v], junk) => {
      expect(prune(s, deepFreeze(v), false)).toBe(v);
      // Arbitrary JSON (mostly unknown fields): frozen, so any write to it would throw.
      const { value, pruned } = pruneWithReport(s, deepFreeze(junk), false);
      if (pruned.length === 0) expect(value).toBe(junk);
    }),
    RUNS,
  );
});

test("applyDefaults leaves its input alone and returns a value that needs no default as it was", () => {
  const input = schemaArb
    .chain(withDefaults)
    .chain((s) => fc.oneof(valueFor(s), fc.jsonValue({ maxDepth: 3 })).map((v) => [s, v] as const));
  fc.assert(
    fc.property(input, ([s, v]) => {
      const once = applyDefaults(s, deepFreeze(v));
      expect(applyDefaults(s, deepFreeze(once))).toBe(once);
    }),
    RUNS,
  );
});

test("an update sharing parts with a version the schema already pruned and defaulted comes out as if checked in full", () => {
  const update = schemaArb.chain(withDefaults).chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.oneof(valueFor(s), fc.jsonValue({ maxDepth: 3 })),
      // Edits: a typed node of the settled version (by index) replaced by a valid or an arbitrary value.
      fc.array(fc.tuple(fc.nat(), fc.oneof(valueFor(s), fc.jsonValue({ maxDepth: 2 }))), { maxLength: 3 }),
    ),
  );
  fc.assert(
    fc.property(update, ([s, old, edits]) => {
      const settled = deepFreeze(applyDefaults(s, prune(s, old, false)));
      let next = settled;
      for (const [pick, value] of edits) {
        const nodes = typedNodes(s, next);
        next = nodes.length === 0 ? value : setAt(next, nodes[pick % nodes.length]![1], value);
      }
      deepFreeze(next);
      const full = pruneWithReport(s, next, false);
      const quick = pruneWithReport(s, next, false, settled);
      expect(quick.pruned).toEqual(full.pruned);
      expect(quick.value).toEqual(full.value);
      expect(applyDefaults(s, quick.value, settled)).toEqual(applyDefaults(s, full.value));
    }),
    RUNS,
  );
});
