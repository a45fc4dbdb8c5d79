import { Cause, type Duration, Effect, Option } from "effect";
import { isTransient } from "./errors";
import { TRANSIENT_RETRY_CAP } from "./schedules";
import type { WorkQueue } from "./workqueue";

/** What a reconcile asks for next: nothing, or another run after a delay (expiry timers, polling). */
export interface ReconcileResult {
  readonly requeueAfter?: Duration.DurationInput;
  /** The key did not run (its inputs are not ready yet): neither a success nor a failure, so its backoff stays. */
  readonly deferred?: boolean;
}

export interface ControllerOptions {
  /** Workers, i.e. keys reconciled at once. Upstream: sandbox 100, claim 50, warm pool 1, template 1. */
  readonly concurrency: number;
  /** For logs. */
  readonly name: string;
}

/**
 * The most a failed key waits when all its failure says is that the API server could not be reached. Over an
 * outage the key's backoff would grow as if the key itself were at fault, each wait about as long as the
 * outage so far, and the key would sit out the last one after the server is back (a minute more after a minute
 * down), with nothing else to bring it sooner. A server that throttles (429, or a 503 naming a Retry-After)
 * asks for less traffic instead: its failures keep the whole backoff.
 */
const retryCapFor = <E>(cause: Cause.Cause<E>): Duration.Duration | undefined => {
  const failure = Cause.failureOption(cause);
  if (Option.isNone(failure) || !isTransient(failure.value)) return undefined;
  const throttled = failure.value._tag === "Unavailable" && failure.value.retryAfterSeconds !== undefined;
  return throttled ? undefined : TRANSIENT_RETRY_CAP;
};

/**
 * A key failing transiently is logged at its 1st, 2nd, 4th, 8th... attempt: its retries come every 5 s at the
 * most, and a log line for each would have every waiting key repeat the same outage every 5 s.
 */
const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/**
 * Runs `reconcile` for queued keys with `concurrency` workers until the queue shuts down. A failure (or defect)
 * is logged and requeues the key with its backoff (capped, and logged less often, for transient failures:
 * above); success resets the backoff (a deferred run leaves it) and honours `requeueAfter`.
 */
export const runController = <E, R>(
  queue: WorkQueue,
  reconcile: (key: string) => Effect.Effect<ReconcileResult | undefined, E, R>,
  options: ControllerOptions,
): Effect.Effect<void, never, R> => {
  const processOne = (key: string) =>
    reconcile(key).pipe(
      Effect.matchCauseEffect({
        onSuccess: (result) =>
          Effect.zipRight(
            result?.deferred ? Effect.void : queue.forget(key),
            result?.requeueAfter === undefined ? Effect.void : queue.addAfter(key, result.requeueAfter),
          ),
        onFailure: (cause) => {
          if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause);
          const cap = retryCapFor(cause);
          const attempt = queue.failures(key) + 1;
          const retry = queue.addRateLimited(key, cap);
          if (cap !== undefined && !isPowerOfTwo(attempt)) return retry;
          return Effect.logWarning("reconcile failed; retrying with backoff", cause).pipe(
            Effect.annotateLogs({ controller: options.name, key, attempt }),
            Effect.zipRight(retry),
          );
        },
      }),
      Effect.ensuring(queue.done(key)),
    );

  const worker: Effect.Effect<void, never, R> = Effect.flatMap(queue.take, (next) =>
    Option.isNone(next) ? Effect.void : Effect.zipRight(Effect.orDie(processOne(next.value)), worker),
  );

  return Effect.all(
    Array.from({ length: Math.max(1, options.concurrency) }, () => worker),
    {
      concurrency: "unbounded",
      discard: true,
    },
  );
};
