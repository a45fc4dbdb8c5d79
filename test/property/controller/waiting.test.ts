import { expect, test } from "bun:test";
import fc from "fast-check";
import type { v1beta1 } from "../../../src/api";
import { WaitingClaims } from "../../../src/controller/waiting";

// Any sequence of claim events leaves the index answering what a scan of the current claims would, and each
// event reports the pool it left without waiting claims.
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
        const waitingIn = (namespace: string, pool: string) =>
          [...current.values()].some((c) => c.namespace === namespace && c.pool === pool && !c.bound);
        const before = current.get(`${e.namespace}/${e.name}`);
        const emptied = index.observe(claimOf(e), e.deleted);
        if (e.deleted) current.delete(`${e.namespace}/${e.name}`);
        else current.set(`${e.namespace}/${e.name}`, e);
        // The pool this event left without waiting claims, and only that one.
        const left =
          before !== undefined && !before.bound && !waitingIn(before.namespace, before.pool)
            ? `${before.namespace}/${before.pool}`
            : undefined;
        expect(emptied).toBe(left);
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
