import { Duration, Schedule } from "effect";

/** Exponential from `base`, jittered (x0.8-1.2), each wait capped at `cap`. Runs forever; bound it where used. */
export const cappedBackoff = (
  base: Duration.DurationInput,
  cap: Duration.DurationInput,
): Schedule.Schedule<Duration.Duration> =>
  Schedule.exponential(base).pipe(
    Schedule.jittered,
    Schedule.union(Schedule.spaced(cap)),
    Schedule.map(([d]) => d),
  );

/**
 * The longest wait between tries while the API server is unreachable: how late a part notices it is back.
 * Each try then costs a refused connection or a quick 5xx, so waiting longer buys nothing.
 */
export const TRANSIENT_RETRY_CAP = Duration.seconds(5);

/** Retrying one request after Unavailable/Timeout: 100 ms doubling to 5 s, at most 6 retries. */
export const requestRetrySchedule = cappedBackoff("100 millis", TRANSIENT_RETRY_CAP).pipe(
  Schedule.intersect(Schedule.recurs(6)),
  Schedule.map(([d]) => d),
);

/**
 * Trying again until the API server answers, for what must happen once it is back and nothing else would
 * redo (the node agent's pod status, binding and final removal; an SDK's wait for Ready and its claim's
 * deletion): 100 ms doubling to 5 s, for as long as it takes unless bounded where used.
 */
export const untilReachableSchedule = cappedBackoff("100 millis", TRANSIENT_RETRY_CAP);

/**
 * Reconnecting a broken watch or failed list: 200 ms doubling to 5 s, forever (reset after a good watch).
 * client-go's reflector waits up to 30 s, which leaves a cache that long behind a server back from an outage.
 */
export const watchReconnectSchedule = cappedBackoff("200 millis", TRANSIENT_RETRY_CAP);

/**
 * Per-key reconcile backoff after a failure: 5 ms doubling to 5 min (controller-runtime starts at 5 ms too).
 * Failures that only say the API server was unreachable wait at most TRANSIENT_RETRY_CAP (see applier.ts).
 */
export const reconcileBackoffSchedule = cappedBackoff("5 millis", "5 minutes");

/** Leader election retries: every `retryPeriod`, jittered like client-go's wait.JitterUntil (up to +20%). */
export const leaseRetrySchedule = (retryPeriod: Duration.DurationInput): Schedule.Schedule<number> =>
  Schedule.spaced(retryPeriod).pipe(Schedule.jittered);
