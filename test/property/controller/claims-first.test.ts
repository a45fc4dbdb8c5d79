import { expect, test } from "bun:test";
import fc from "fast-check";
import { ClaimsFirst } from "../../../src/controller/claims-first";

// The claims-first deferral as a state machine, against a model: random interleavings of Sandbox passes asking
// to be put off, passes that ran, releases and time passing. Checked after every step: no key is put off
// past the bound counted from its first deferral since it last ran; a release hands out exactly the keys put
// off since the last release that have not run since, each once.

type Op =
  | { readonly op: "defer"; readonly key: string }
  | { readonly op: "ran"; readonly key: string }
  | { readonly op: "release" }
  | { readonly op: "wait"; readonly ms: number };

const keys = ["ns/a", "ns/b", "ns/c"];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom(...keys).map((key) => ({ op: "defer" as const, key })),
  fc.constantFrom(...keys).map((key) => ({ op: "ran" as const, key })),
  fc.constant({ op: "release" as const }),
  fc.integer({ min: 0, max: 700 }).map((ms) => ({ op: "wait" as const, ms })),
);

test("claims first puts passes off within its bound and releases each parked key once", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2000 }), fc.array(opArb, { maxLength: 60 }), (max, ops) => {
      const first = new ClaimsFirst(max);
      let now = 0;
      const since = new Map<string, number>();
      const parked = new Set<string>();
      for (const o of ops) {
        switch (o.op) {
          case "wait":
            now += o.ms;
            break;
          case "ran":
            first.ran(o.key);
            since.delete(o.key);
            parked.delete(o.key);
            break;
          case "release":
            expect(first.release().sort()).toEqual([...parked].sort());
            parked.clear();
            break;
          case "defer": {
            const start = since.get(o.key) ?? now;
            const wait = first.defer(o.key, now);
            if (now - start >= max) {
              // Waited long enough: it runs now, and a later wait starts afresh.
              expect(wait).toBeUndefined();
              since.delete(o.key);
              parked.delete(o.key);
            } else {
              expect(wait).toBe(max - (now - start));
              expect(now + (wait ?? 0) - start).toBeLessThanOrEqual(max);
              since.set(o.key, start);
              parked.add(o.key);
            }
            break;
          }
        }
      }
    }),
    { numRuns: 500 },
  );
});
