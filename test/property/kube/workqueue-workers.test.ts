import { expect, setDefaultTimeout, test } from "bun:test";
import { Deferred, Effect, FiberId, Option, TestClock, TestContext } from "effect";
import fc from "fast-check";
import { makeWorkQueue } from "../../../src/kube/workqueue";

setDefaultTimeout(60_000);

/** Lets forked fibers run to their next wait (no time passes under TestClock). */
const settle = Effect.repeatN(Effect.yieldNow(), 50);

type Step =
  | { kind: "add" }
  | { kind: "addAfter"; delay: number }
  | { kind: "advance"; ms: number }
  | { kind: "finish" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const) }),
  fc.record({ kind: fc.constant("addAfter" as const), delay: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant("finish" as const) }),
);

// Only one idle worker times the earliest delay; the property is that nothing is lost by that: with any
// number of blocked workers, a key is handed out once it is due (never before), to one worker at a time.
// Keys are fresh per add (the coalescing of repeated adds is the reference model's subject).
test("blocked workers take every key once it is due, however many of them wait", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(step, { maxLength: 60 }), (workers, steps) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const q = yield* makeWorkQueue();
          let now = 0;
          /** Earliest time each key may be handed out (undefined: not queued). */
          const due = new Map<string, number>();
          const held = new Set<string>();
          // Workers keep what they took until the next "finish", so keys also pile up behind busy workers.
          let release = Deferred.unsafeMake<void>(FiberId.none);
          const work = Effect.gen(function* () {
            const name = Option.getOrThrow(yield* q.take);
            expect(due.get(name)).toBeLessThanOrEqual(now);
            due.delete(name);
            held.add(name);
            yield* Deferred.await(release);
            held.delete(name);
            yield* q.done(name);
          });
          for (let w = 0; w < workers; w++) yield* Effect.forkDaemon(Effect.forever(work));
          yield* settle;
          let fresh = 0;
          for (const s of steps) {
            switch (s.kind) {
              case "add": {
                const k = `k${++fresh}`;
                due.set(k, now);
                yield* q.add(k);
                break;
              }
              case "addAfter": {
                const k = `k${++fresh}`;
                due.set(k, now + s.delay);
                yield* q.addAfter(k, s.delay);
                break;
              }
              case "advance":
                now += s.ms;
                yield* TestClock.adjust(s.ms);
                break;
              case "finish": {
                const finished = release;
                release = Deferred.unsafeMake<void>(FiberId.none);
                yield* Deferred.succeed(finished, undefined);
                break;
              }
            }
            yield* settle;
            // Nothing due waits while a worker is free to take it.
            const free = workers - held.size;
            const overdue = [...due.values()].filter((at) => at <= now).length;
            expect(Math.min(free, overdue)).toBe(0);
          }
          yield* q.shutdown;
        }).pipe(Effect.provide(TestContext.TestContext)),
      ),
    ),
    { numRuns: 100 },
  );
});
