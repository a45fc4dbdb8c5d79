// The deadline sweep's slot list: under any sequence of track and untrack calls, exactly the deadlines still
// tracked when they are due expire (each once), untracked ones never do, and a deadline can be tracked again.
import { expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { Deadline, track, untrack } from "../../../src/router/forward";
import { until } from "../../support/until";

setDefaultTimeout(60_000);

type Op = { readonly track: boolean; readonly which: number };
/** Few deadlines and many calls, so deadlines often move between slots and are untracked after a move. */
const DEADLINES = 5;
const opsArb = fc.array(fc.record({ track: fc.boolean(), which: fc.nat(DEADLINES - 1) }), { maxLength: 30 });

test("exactly the deadlines left tracked expire, once each", async () => {
  await fc.assert(
    fc.asyncProperty(opsArb, async (ops: Op[]) => {
      // Already due: the next sweep finds them.
      const deadlines = Array.from({ length: DEADLINES }, () => new Deadline(Date.now() - 1));
      const expiries = new Array<number>(DEADLINES).fill(0);
      deadlines.forEach((d, i) => {
        d.onExpire = () => {
          expiries[i]!++;
        };
      });
      const tracked = new Set<number>();
      for (const op of ops) {
        if (op.track) {
          track(deadlines[op.which]!);
          tracked.add(op.which);
        } else {
          untrack(deadlines[op.which]!);
          tracked.delete(op.which);
        }
      }
      await until("tracked deadlines expire", async () =>
        [...tracked].every((i) => deadlines[i]!.expired) ? true : undefined,
      );
      // One more sweep's worth of time: nothing expires twice, nothing untracked expires.
      await Bun.sleep(40);
      deadlines.forEach((d, i) => {
        expect(d.expired).toBe(tracked.has(i));
        expect(expiries[i]).toBe(tracked.has(i) ? 1 : 0);
        expect(d.slot).toBe(-1);
      });
    }),
    { numRuns: 60 },
  );
});

test("a deadline untracked by another's expiry callback during a sweep does not expire", async () => {
  const first = new Deadline(Date.now() - 1);
  const second = new Deadline(Date.now() - 1);
  const third = new Deadline(Date.now() - 1);
  // The sweep walks from the end: the third's callback untracks the first before the sweep gets there.
  third.onExpire = () => untrack(first);
  track(first);
  track(second);
  track(third);
  await until("the others expire", async () => (third.expired && second.expired ? true : undefined));
  await Bun.sleep(60);
  expect(first.expired).toBe(false);
});
