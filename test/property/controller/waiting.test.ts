import { expect, test } from "bun:test";
import fc from "fast-check";
import type { v1beta1 } from "../../../src/api";
import { WaitingClaims } from "../../../src/controller/waiting";

// Any sequence of claim events leaves the index answering what a scan of the current claims would.
type Event = { name: string; namespace: string; pool: string; bound: boolean; deleted: boolean };

const event: fc.Arbitrary<Event> = fc.record({
  name: fc.constantFrom("a", "b", "c", "d"),
  namespace: fc.constantFrom("n1", "n2"),
  pool: fc.constantFrom("p", "q"),
  bound: fc.boolean(),
  deleted: fc.boolean(),
});

const claimOf = (e: Event) =>
  ({
    metadata: { name: e.name, namespace: e.namespace },
    spec: { warmPoolRef: { name: e.pool } },
    ...(e.bound ? { status: { sandbox: { name: `s-${e.name}` } } } : {}),
  }) as unknown as v1beta1.SandboxClaim;

test("the waiting-claims index matches a scan of the claims as they are now", () => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 60 }), (events) => {
      const index = new WaitingClaims();
      const current = new Map<string, Event>();
      for (const e of events) {
        index.observe(claimOf(e), e.deleted);
        if (e.deleted) current.delete(`${e.namespace}/${e.name}`);
        else current.set(`${e.namespace}/${e.name}`, e);
        for (const namespace of ["n1", "n2"])
          for (const pool of ["p", "q"]) {
            const scanned = [...current.values()]
              .filter((c) => c.namespace === namespace && c.pool === pool && !c.bound)
              .map((c) => c.name)
              .sort();
            expect([...index.in(namespace, pool)].sort()).toEqual(scanned);
          }
        expect(index.size).toBe([...current.values()].filter((c) => !c.bound).length);
      }
    }),
  );
});
