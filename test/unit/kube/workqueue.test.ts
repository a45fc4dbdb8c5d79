import { describe, expect, test } from "bun:test";
import { Effect, Fiber, HashMap, Logger, Option, Queue, Ref, Schedule, TestClock, TestContext } from "effect";
import { type ReconcileResult, runController } from "../../../src/kube/applier";
import { Unavailable } from "../../../src/kube/errors";
import { makeWorkQueue } from "../../../src/kube/workqueue";

/** Lets forked fibers run to their next wait (no time passes under TestClock). */
const settle = Effect.repeatN(Effect.yieldNow(), 20);

const runTest = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.runPromise(effect.pipe(Effect.provide(TestContext.TestContext)));

/**
 * A queue (1 s exponential backoff) with one key, "k", added and reconciled by one worker: the n-th run
 * answers `outcome(n)`, and each run's n arrives in `attempts`.
 */
const scriptedKey = <E>(outcome: (n: number) => Effect.Effect<ReconcileResult | undefined, E>) =>
  Effect.gen(function* () {
    const q = yield* makeWorkQueue({ backoff: Schedule.exponential("1 second") });
    const attempts = yield* Queue.unbounded<number>();
    let n = 0;
    const reconcile = (_key: string) =>
      Effect.suspend(() => {
        n++;
        return Queue.offer(attempts, n).pipe(Effect.zipRight(outcome(n)));
      });
    yield* Effect.fork(runController(q, reconcile, { concurrency: 1, name: "test" }));
    yield* q.add("k");
    return { q, attempts };
  });

/** The n-th run in `attempts` comes exactly `seconds` (whole, at least 1) after the one before it. */
const nextRunAfter = (attempts: Queue.Queue<number>, seconds: number, n: number) =>
  Effect.gen(function* () {
    yield* TestClock.adjust(`${seconds - 1} seconds`);
    yield* settle;
    expect(yield* Queue.size(attempts)).toBe(0);
    yield* TestClock.adjust("1 second");
    expect(yield* Queue.take(attempts)).toBe(n);
  });

describe("WorkQueue.take", () => {
  test("waits for a delayed key and wakes when it is due", () =>
    runTest(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue();
        yield* q.addAfter("k", "5 seconds");
        const taker = yield* Effect.fork(q.take);
        yield* TestClock.adjust("4 seconds");
        expect(Option.isNone(yield* Fiber.poll(taker))).toBe(true);
        yield* TestClock.adjust("1 second");
        expect(yield* Fiber.join(taker)).toEqual(Option.some("k"));
      }),
    ));

  test("an earlier delay added while a worker sleeps re-times its wait", () =>
    runTest(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue();
        yield* q.addAfter("late", "1 hour");
        const taker = yield* Effect.fork(q.take);
        yield* TestClock.adjust("1 second");
        yield* q.addAfter("early", "2 seconds");
        yield* TestClock.adjust("2 seconds");
        expect(yield* Fiber.join(taker)).toEqual(Option.some("early"));
      }),
    ));

  test("every ready key reaches some waiting worker", () =>
    runTest(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue();
        const takers = yield* Effect.forEach([1, 2, 3], () => Effect.fork(q.take));
        yield* Effect.yieldNow();
        yield* Effect.forEach(["a", "b", "c"], (k) => q.add(k));
        const got = yield* Effect.forEach(takers, Fiber.join);
        expect(got.map(Option.getOrThrow).sort()).toEqual(["a", "b", "c"]);
      }),
    ));

  test("shutdown releases waiting workers and ignores later adds", () =>
    runTest(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue();
        const taker = yield* Effect.fork(q.take);
        yield* Effect.yieldNow();
        yield* q.shutdown;
        expect(yield* Fiber.join(taker)).toEqual(Option.none());
        yield* q.add("x");
        expect(yield* q.poll).toEqual(Option.none());
      }),
    ));

  test("a finite backoff schedule gives up", () =>
    runTest(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue({ backoff: Schedule.recurs(1) });
        expect(yield* q.addRateLimited("k")).toBe(true);
        expect(yield* q.addRateLimited("k")).toBe(false);
        expect(q.failures("k")).toBe(2);
        yield* q.forget("k");
        expect(q.failures("k")).toBe(0);
      }),
    ));
});

describe("runController", () => {
  test("never runs one key twice at once and never exceeds its concurrency", () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue();
        const running = new Set<string>();
        let maxParallel = 0;
        let overlaps = 0;
        const runs = yield* Ref.make(0);
        const reconcile = (key: string) =>
          Effect.gen(function* () {
            if (running.has(key)) overlaps++;
            running.add(key);
            maxParallel = Math.max(maxParallel, running.size);
            yield* Effect.sleep("2 millis");
            running.delete(key);
            yield* Ref.update(runs, (n) => n + 1);
            return undefined;
          });
        const ctrl = yield* Effect.fork(runController(q, reconcile, { concurrency: 3, name: "test" }));
        for (let round = 0; round < 20; round++) {
          yield* Effect.forEach(["a", "b", "c", "d", "e"], (k) => q.add(k));
          yield* Effect.sleep("1 millis");
        }
        yield* Effect.repeat(
          Effect.sync(() => q.stats()),
          {
            until: (s) => s.ready === 0 && s.processing === 0,
            schedule: Schedule.spaced("5 millis"),
          },
        );
        yield* q.shutdown;
        yield* Fiber.join(ctrl);
        expect(overlaps).toBe(0);
        expect(maxParallel).toBeLessThanOrEqual(3);
        expect(maxParallel).toBeGreaterThan(1);
        expect(yield* Ref.get(runs)).toBeGreaterThanOrEqual(5);
      }),
    ));

  test("failures back off and retry; success honours requeueAfter", () =>
    runTest(
      Effect.gen(function* () {
        const { q, attempts } = yield* scriptedKey((n) =>
          n <= 2 ? Effect.fail("boom") : Effect.succeed(n === 3 ? { requeueAfter: "1 minute" } : undefined),
        );
        expect(yield* Queue.take(attempts)).toBe(1);
        yield* TestClock.adjust("1 second"); // first backoff: 1 s
        expect(yield* Queue.take(attempts)).toBe(2);
        yield* TestClock.adjust("1 second"); // second backoff: 2 s, so nothing yet
        yield* settle;
        expect(yield* Queue.size(attempts)).toBe(0);
        yield* TestClock.adjust("1 second");
        expect(yield* Queue.take(attempts)).toBe(3);
        yield* settle;
        expect(q.failures("k")).toBe(0); // success reset the backoff
        yield* TestClock.adjust("59 seconds");
        yield* settle;
        expect(yield* Queue.size(attempts)).toBe(0);
        yield* TestClock.adjust("1 second");
        expect(yield* Queue.take(attempts)).toBe(4);
        yield* q.shutdown;
      }),
    ));

  test("a key failing because the API server is unreachable waits at most 5 s; other failures back off on", () => {
    /** The attempt numbers the failure log lines carried. */
    const logged: unknown[] = [];
    const recording = Logger.make(({ annotations }) => {
      logged.push(Option.getOrUndefined(HashMap.get(annotations, "attempt")));
    });
    return runTest(
      Effect.gen(function* () {
        const unreachable = new Unavailable({ message: "connection refused", code: 0 });
        const { q, attempts } = yield* scriptedKey<Unavailable | string>((n) =>
          n <= 5 ? Effect.fail(unreachable) : Effect.fail("boom"),
        );
        const nextAfter = (seconds: number, n: number) => nextRunAfter(attempts, seconds, n);
        expect(yield* Queue.take(attempts)).toBe(1);
        yield* nextAfter(1, 2);
        yield* nextAfter(2, 3);
        yield* nextAfter(4, 4);
        yield* nextAfter(5, 5); // the backoff says 8 s
        yield* nextAfter(5, 6); // 16 s; this run fails for another reason
        expect(q.failures("k")).toBe(6);
        yield* nextAfter(32, 7); // so the backoff, which went on advancing, applies in full
        yield* q.shutdown;
        // Transient failures are logged at attempts 1, 2, 4, 8...; any other failure every time.
        expect(logged).toEqual([1, 2, 4, 6, 7]);
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, recording))),
    );
  });

  test("a key the API server throttles (a Retry-After) keeps its whole backoff", () =>
    runTest(
      Effect.gen(function* () {
        const throttled = new Unavailable({ message: "too many requests", code: 429, retryAfterSeconds: 1 });
        const { q, attempts } = yield* scriptedKey(() => Effect.fail(throttled));
        expect(yield* Queue.take(attempts)).toBe(1);
        yield* nextRunAfter(attempts, 1, 2);
        yield* nextRunAfter(attempts, 2, 3);
        yield* nextRunAfter(attempts, 4, 4);
        yield* nextRunAfter(attempts, 8, 5); // 5 s were it capped
        yield* q.shutdown;
      }),
    ));

  test("a deferred run keeps the key's backoff; a handed-out key's old delay does not bring it back", () =>
    runTest(
      Effect.gen(function* () {
        const { q, attempts } = yield* scriptedKey((n) =>
          n === 1 || n === 3
            ? Effect.fail("boom")
            : Effect.succeed(n === 2 || n === 4 ? { requeueAfter: "10 seconds", deferred: true } : undefined),
        );
        expect(yield* Queue.take(attempts)).toBe(1);
        yield* TestClock.adjust("1 second"); // first backoff
        expect(yield* Queue.take(attempts)).toBe(2); // deferred
        yield* settle;
        expect(q.failures("k")).toBe(1);
        yield* q.add("k"); // what it waited for arrived early
        expect(yield* Queue.take(attempts)).toBe(3);
        yield* settle;
        expect(q.failures("k")).toBe(2); // so this failure waits the second backoff step, 2 s
        yield* TestClock.adjust("1 second");
        yield* settle;
        expect(yield* Queue.size(attempts)).toBe(0);
        yield* TestClock.adjust("1 second");
        expect(yield* Queue.take(attempts)).toBe(4); // deferred again, asking to come back in 10 s
        yield* settle;
        yield* q.add("k");
        expect(yield* Queue.take(attempts)).toBe(5); // ran early and succeeded
        // The 10 s asked for by the deferred run went with the key when it was handed out again.
        yield* TestClock.adjust("20 seconds");
        yield* settle;
        expect(yield* Queue.size(attempts)).toBe(0);
        yield* q.shutdown;
      }),
    ));

  test("a defect in reconcile is retried, not fatal", () =>
    runTest(
      Effect.gen(function* () {
        const q = yield* makeWorkQueue({ backoff: Schedule.spaced("1 second") });
        const attempts = yield* Ref.make(0);
        const reconcile = () =>
          Ref.updateAndGet(attempts, (x) => x + 1).pipe(
            Effect.flatMap((n) => (n === 1 ? Effect.die(new Error("bug")) : Effect.succeed(undefined))),
          );
        yield* Effect.fork(runController(q, reconcile, { concurrency: 1, name: "test" }));
        yield* q.add("k");
        yield* settle;
        yield* TestClock.adjust("1 second");
        yield* settle;
        expect(yield* Ref.get(attempts)).toBe(2);
        yield* q.shutdown;
      }),
    ));
});
