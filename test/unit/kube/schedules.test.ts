import { describe, expect, test } from "bun:test";
import { Chunk, Duration, Effect, Schedule } from "effect";
import {
  reconcileBackoffSchedule,
  requestRetrySchedule,
  TRANSIENT_RETRY_CAP,
  untilReachableSchedule,
  watchReconnectSchedule,
} from "../../../src/kube/schedules";

/** The waits a schedule asks for over its first `n` steps, in ms. */
const waits = (schedule: Schedule.Schedule<unknown>, n: number): number[] =>
  Chunk.toArray(
    Effect.runSync(
      Schedule.run(
        Schedule.delays(schedule),
        0,
        Array.from({ length: n }, () => undefined),
      ),
    ),
  ).map(Duration.toMillis);

describe("retry schedules", () => {
  const capMs = Duration.toMillis(TRANSIENT_RETRY_CAP);

  test("what waits for the API server to answer again never waits longer than the transient cap", () => {
    for (const schedule of [watchReconnectSchedule, untilReachableSchedule, requestRetrySchedule]) {
      const longest = Math.max(...waits(schedule, 30));
      expect(longest).toBeLessThanOrEqual(capMs);
      // It does back off, up to near the cap (a request's retries stop after 6, at 3.2 s less jitter).
      expect(longest).toBeGreaterThan(capMs * 0.5);
    }
  });

  test("a key's reconcile backoff grows well past the cap (the work queue caps it for transient failures)", () => {
    const delays = waits(reconcileBackoffSchedule, 30);
    expect(delays[0]).toBeLessThan(10);
    expect(Math.max(...delays)).toBeGreaterThan(60_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5 * 60_000);
  });
});
