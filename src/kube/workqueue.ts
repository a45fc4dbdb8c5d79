import {
  Clock,
  Deferred,
  Duration,
  Effect,
  FiberId,
  Option,
  type Schedule,
  ScheduleDecision,
  ScheduleIntervals,
} from "effect";
import { DueHeap } from "./due-heap";
import { reconcileBackoffSchedule } from "./schedules";

export interface WorkQueueOptions {
  /** Per-key delays after failures (`addRateLimited`); reset by `forget`. Default `reconcileBackoffSchedule`. */
  readonly backoff?: Schedule.Schedule<unknown, unknown>;
}

export interface WorkQueueStats {
  readonly ready: number;
  readonly delayed: number;
  readonly processing: number;
}

/**
 * The scheduler of a controller: a key is queued at most once, never handed to two workers at once (a key
 * added while it is processed comes back after `done`), and may wait for a delay (the earliest one wins).
 */
export interface WorkQueue {
  readonly add: (key: string) => Effect.Effect<void>;
  /** `add` for many keys at once (one step for a burst of events). */
  readonly addAll: (keys: Iterable<string>) => Effect.Effect<void>;
  /**
   * Adds after `delay`; a pending earlier delay for the key is kept, a later one is brought forward. Handing
   * the key out (for whatever reason) drops its pending delay: each reconcile asks again for what it needs.
   */
  readonly addAfter: (key: string, delay: Duration.DurationInput) => Effect.Effect<void>;
  /**
   * Adds after the key's next backoff delay, shortened to `cap` when given (the backoff still advances). False
   * when the backoff schedule gave up on the key.
   */
  readonly addRateLimited: (key: string, cap?: Duration.DurationInput) => Effect.Effect<boolean>;
  /** Resets the key's backoff (call after a successful reconcile). */
  readonly forget: (key: string) => Effect.Effect<void>;
  readonly failures: (key: string) => number;
  /** Waits for a ready key and marks it processing; None once the queue is shut down. */
  readonly take: Effect.Effect<Option.Option<string>>;
  /** `take` without waiting. */
  readonly poll: Effect.Effect<Option.Option<string>>;
  readonly done: (key: string) => Effect.Effect<void>;
  readonly shutdown: Effect.Effect<void>;
  readonly stats: () => WorkQueueStats;
}

export const makeWorkQueue = (options: WorkQueueOptions = {}): Effect.Effect<WorkQueue> =>
  Effect.sync(() => {
    const backoff = options.backoff ?? reconcileBackoffSchedule;
    const ready = new Set<string>(); // insertion-ordered: a FIFO without duplicates
    const processing = new Set<string>();
    const dirty = new Set<string>();
    const delayed = new Map<string, number>(); // key -> due (ms); the heap may hold stale entries
    const heap = new DueHeap();
    const backoffState = new Map<string, unknown>();
    const failureCount = new Map<string, number>();
    const waiters: Deferred.Deferred<void>[] = [];
    /**
     * The one waiting worker whose wait also ends at the earliest delay. The others wait for a wake-up only:
     * were every idle worker to time its wait too, each due key would wake them all (a hundred, for the
     * Sandbox controller) to find one key.
     */
    let timekeeper: Deferred.Deferred<void> | undefined;
    let seq = 0;
    let closed = false;

    const wakeOne = () => {
      const w = waiters.shift();
      if (w) Deferred.unsafeDone(w, Effect.void);
    };

    const enqueue = (key: string) => {
      if (closed) return;
      if (processing.has(key)) dirty.add(key);
      else if (!ready.has(key)) {
        ready.add(key);
        wakeOne();
      }
    };

    /** Moves every key whose delay has passed into the ready set, in due order. */
    const promote = (now: number) => {
      for (let top = heap.peek(); top !== undefined && top.due <= now; top = heap.peek()) {
        heap.pop();
        if (delayed.get(top.key) !== top.due) continue; // superseded by an earlier delay
        delayed.delete(top.key);
        enqueue(top.key);
      }
    };

    const nextDue = (): number | undefined => {
      for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
        if (delayed.get(top.key) === top.due) return top.due;
        heap.pop();
      }
      return undefined;
    };

    const schedule = (key: string, now: number, delayMs: number) => {
      if (closed) return;
      if (delayMs <= 0) return enqueue(key);
      const due = now + delayMs;
      const current = delayed.get(key);
      if (current !== undefined && current <= due) return;
      const earliestBefore = nextDue();
      delayed.set(key, due);
      heap.push({ due, seq: seq++, key });
      // The timekeeper timed its wait for the previous earliest key: it re-times (or a waiter takes it on).
      if (earliestBefore !== undefined && due >= earliestBefore) return;
      if (timekeeper === undefined) return wakeOne();
      const i = waiters.indexOf(timekeeper);
      if (i >= 0) waiters.splice(i, 1);
      Deferred.unsafeDone(timekeeper, Effect.void);
    };

    /** A worker left the waiters: if delays are pending and nobody times them, a waiter takes that on. */
    const keepTime = () => {
      if (timekeeper === undefined && waiters.length > 0 && nextDue() !== undefined) wakeOne();
    };

    const pollAt = (now: number): Option.Option<string> => {
      promote(now);
      for (const key of ready) {
        ready.delete(key);
        processing.add(key);
        // The reconcile about to run re-arms whatever delay it still needs (expiry, polling, the write gate's
        // safety net); a delay left from an earlier pass would only bring the key back for nothing.
        delayed.delete(key);
        return Option.some(key);
      }
      return Option.none();
    };

    const poll = Effect.map(Clock.currentTimeMillis, pollAt);

    const take: Effect.Effect<Option.Option<string>> = Effect.suspend(() => {
      if (closed) return Effect.succeedNone;
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const got = pollAt(now);
        if (Option.isSome(got) || closed) {
          keepTime();
          return Effect.succeed(got);
        }
        const wake = Deferred.unsafeMake<void>(FiberId.none);
        waiters.push(wake);
        const due = timekeeper === undefined ? nextDue() : undefined;
        if (due !== undefined) timekeeper = wake;
        const wait =
          due === undefined
            ? Deferred.await(wake)
            : Effect.raceFirst(Deferred.await(wake), Effect.sleep(Duration.millis(due - now)));
        return wait.pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              const i = waiters.indexOf(wake);
              if (i >= 0) waiters.splice(i, 1);
              else wakeOne(); // we were woken but leave: pass the wake-up on
              if (timekeeper === wake) timekeeper = undefined;
              keepTime();
            }),
          ),
          Effect.ensuring(
            Effect.sync(() => {
              const i = waiters.indexOf(wake);
              if (i >= 0) waiters.splice(i, 1);
              // Back to `take`: it waits again (timing the delays) or, taking a key, hands the timing on.
              if (timekeeper === wake) timekeeper = undefined;
            }),
          ),
          Effect.zipRight(take),
        );
      });
    });

    return {
      add: (key) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          promote(now);
          enqueue(key);
        }),
      addAll: (keys) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          promote(now);
          for (const key of keys) enqueue(key);
        }),
      addAfter: (key, delay) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          promote(now);
          schedule(key, now, Duration.toMillis(delay));
        }),
      addRateLimited: (key, cap) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis;
          promote(now);
          const state = backoffState.has(key) ? backoffState.get(key) : backoff.initial;
          const [next, , decision] = yield* backoff.step(now, undefined, state);
          failureCount.set(key, (failureCount.get(key) ?? 0) + 1);
          if (ScheduleDecision.isDone(decision)) return false;
          backoffState.set(key, next);
          const delay = ScheduleIntervals.start(decision.intervals) - now;
          schedule(key, now, cap === undefined ? delay : Math.min(delay, Duration.toMillis(cap)));
          return true;
        }),
      forget: (key) =>
        Effect.sync(() => {
          backoffState.delete(key);
          failureCount.delete(key);
        }),
      failures: (key) => failureCount.get(key) ?? 0,
      take,
      poll,
      done: (key) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          promote(now);
          processing.delete(key);
          if (dirty.delete(key)) enqueue(key);
        }),
      shutdown: Effect.sync(() => {
        closed = true;
        ready.clear();
        dirty.clear();
        delayed.clear();
        for (const w of waiters.splice(0)) Deferred.unsafeDone(w, Effect.void);
      }),
      stats: () => ({ ready: ready.size, delayed: delayed.size, processing: processing.size }),
    };
  });
