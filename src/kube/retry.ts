import { type Duration, Effect, Schedule } from "effect";
import { isTransient, type KubeFailure } from "./errors";
import { requestRetrySchedule, untilReachableSchedule } from "./schedules";

/** Retries an API call while it fails with Unavailable or Timeout, on `requestRetrySchedule`. */
export const retryTransient = <A, E extends KubeFailure, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> =>
  Effect.retry(effect, { schedule: requestRetrySchedule, while: (e) => isTransient(e) });

/**
 * Retries while the API server cannot be reached (Unavailable, Timeout), on `untilReachableSchedule`: for as
 * long as it takes, or for `within` at most. For what must happen once the server is back (pipeable).
 */
export const retryUntilReachable =
  (within?: Duration.DurationInput) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.retry(effect, {
      schedule: within === undefined ? untilReachableSchedule : Schedule.upTo(untilReachableSchedule, within),
      while: isTransient,
    });
