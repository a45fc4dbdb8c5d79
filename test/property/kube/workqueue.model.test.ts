import { expect, setDefaultTimeout, test } from "bun:test";
import { Effect, Option, Schedule, TestClock, TestContext } from "effect";
import fc from "fast-check";
import { makeWorkQueue } from "../../../src/kube/workqueue";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

// The reference: the queue's rules written as plainly as possible, with time passed explicitly.
class Model {
  now = 0;
  seq = 0;
  ready: string[] = [];
  processing = new Set<string>();
  dirty = new Set<string>();
  delayed = new Map<string, { due: number; seq: number }>();
  failures = new Map<string, number>();

  promote() {
    const due = [...this.delayed.entries()]
      .filter(([, d]) => d.due <= this.now)
      .sort(([, a], [, b]) => a.due - b.due || a.seq - b.seq);
    for (const [key] of due) {
      this.delayed.delete(key);
      this.enqueue(key);
    }
  }
  enqueue(key: string) {
    if (this.processing.has(key)) this.dirty.add(key);
    else if (!this.ready.includes(key)) this.ready.push(key);
  }
  addAfter(key: string, delay: number) {
    this.promote();
    if (delay <= 0) return this.enqueue(key);
    const due = this.now + delay;
    const current = this.delayed.get(key);
    if (current && current.due <= due) return;
    this.delayed.set(key, { due, seq: this.seq++ });
  }
  poll(): string | undefined {
    this.promote();
    const key = this.ready.shift();
    if (key !== undefined) {
      this.processing.add(key);
      this.delayed.delete(key);
    }
    return key;
  }
  done(key: string) {
    this.promote();
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.enqueue(key);
  }
  /** The key's backoff advances whether or not a cap shortens this wait. */
  backoffDelay(key: string, cap: number | undefined) {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(10 * 2 ** n, 80, cap ?? Infinity);
  }
}

type Action =
  | { kind: "add"; key: string }
  | { kind: "addAfter"; key: string; delay: number }
  | { kind: "poll" }
  | { kind: "fail"; pick: number; cap: number | undefined }
  | { kind: "succeed"; pick: number; requeueAfter: number | undefined }
  | { kind: "advance"; ms: number };

const key = fc.constantFrom("a", "b", "c", "d");
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), key }),
  fc.record({ kind: fc.constant("addAfter" as const), key, delay: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant("poll" as const) }),
  fc.record({
    kind: fc.constant("fail" as const),
    pick: fc.nat(),
    cap: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant("succeed" as const),
    pick: fc.nat(),
    requeueAfter: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 60 }) }),
);

// Deterministic backoff (no jitter) so the model can predict it: 10, 20, 40, 80, 80, ... ms.
const backoff = Schedule.exponential("10 millis").pipe(Schedule.union(Schedule.spaced("80 millis")));

test("the work queue behaves like the reference model", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { maxLength: 80 }), (actions) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const q = yield* makeWorkQueue({ backoff });
          const m = new Model();
          for (const a of actions) {
            const inProcess = [...m.processing].sort();
            switch (a.kind) {
              case "add":
                m.promote();
                m.enqueue(a.key);
                yield* q.add(a.key);
                break;
              case "addAfter":
                m.addAfter(a.key, a.delay);
                yield* q.addAfter(a.key, a.delay);
                break;
              case "poll": {
                const expected = m.poll();
                const got = yield* q.poll;
                expect(Option.getOrUndefined(got)).toBe(expected);
                break;
              }
              case "fail": {
                const k = inProcess[a.pick % Math.max(1, inProcess.length)];
                if (k === undefined) break;
                m.addAfter(k, m.backoffDelay(k, a.cap));
                m.done(k);
                expect(yield* q.addRateLimited(k, a.cap)).toBe(true);
                yield* q.done(k);
                expect(q.failures(k)).toBe(m.failures.get(k) ?? 0);
                break;
              }
              case "succeed": {
                const k = inProcess[a.pick % Math.max(1, inProcess.length)];
                if (k === undefined) break;
                m.failures.delete(k);
                yield* q.forget(k);
                if (a.requeueAfter !== undefined) {
                  m.addAfter(k, a.requeueAfter);
                  yield* q.addAfter(k, a.requeueAfter);
                }
                m.done(k);
                yield* q.done(k);
                break;
              }
              case "advance":
                m.now += a.ms;
                yield* TestClock.adjust(a.ms);
                break;
            }
            expect(q.stats()).toEqual({
              ready: m.ready.length,
              delayed: m.delayed.size,
              processing: m.processing.size,
            });
          }
          // Drain: everything still queued or delayed comes out exactly once per key, in the model's order.
          m.now += 10_000;
          yield* TestClock.adjust(10_000);
          for (;;) {
            const expected = m.poll();
            const got = Option.getOrUndefined(yield* q.poll);
            expect(got).toBe(expected);
            if (got === undefined) break;
          }
        }).pipe(Effect.provide(TestContext.TestContext)),
      ),
    ),
    { numRuns: 150 },
  );
}, 60_000);
