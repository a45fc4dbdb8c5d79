import { expect, test } from "bun:test";
import fc from "fast-check";
import { Reservations } from "../../../src/controller/claim/reservations";

// Any sequence of reservations and lookups, at times that only move forward, answers as a plain log of
// every reservation would, and the map keeps no more than the reservations of the last two lifetimes.
const TTL = 100;
type Step =
  | { op: "reserve"; namespace: string; name: string; advance: number }
  | { op: "lookup"; namespace: string; name: string; advance: number };

const target = { namespace: fc.constantFrom("n1", "n2"), name: fc.constantFrom("a", "b", "c", "d", "e") };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("reserve" as const), ...target, advance: fc.nat(80) }),
  fc.record({ op: fc.constant("lookup" as const), ...target, advance: fc.nat(80) }),
);

test("reservations hold for their lifetime, per namespace, and lapsed ones are swept", () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
      const reservations = new Reservations(TTL);
      const log: Array<{ key: string; at: number }> = [];
      let now = 1;
      for (const s of steps) {
        now += s.advance;
        const key = `${s.namespace}/${s.name}`;
        if (s.op === "reserve") {
          reservations.reserve(s.namespace, s.name, now);
          log.push({ key, at: now });
          // Sweeping happens as reservations are made: right after one, nothing older than two lifetimes.
          const recent = new Set(log.filter((r) => r.at + 2 * TTL > now).map((r) => r.key));
          expect(reservations.size).toBeLessThanOrEqual(recent.size);
        } else {
          const expected = log.some((r) => r.key === key && r.at + TTL > now);
          expect(reservations.in(s.namespace, now).has(s.name)).toBe(expected);
        }
      }
    }),
  );
});
