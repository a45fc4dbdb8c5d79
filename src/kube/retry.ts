import { Effect } from "effect";
import { isTransient, type KubeFailure } from "./errors";
import { requestRetrySchedule } from "./schedules";

/** Retries an API call while it fails with Unavailable or Timeout, on `requestRetrySchedule`. */
export const retryTransient = <A, E extends KubeFailure, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> =>
  Effect.retry(effect, { schedule: requestRetrySchedule, while: (e) => isTransient(e) });
