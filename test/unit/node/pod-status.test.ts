import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  type ContainerRecord,
  type ContainerState,
  type RestartPolicy,
  restartDelayMs,
  shouldRestart,
} from "../../../src/node/container-state";
import { type PodRecord, podConditions, podPhase, podStatus } from "../../../src/node/pod-status";

const T = "2026-01-01T00:00:00.000Z";

const stateArb: fc.Arbitrary<ContainerState> = fc.oneof(
  fc
    .constantFrom("ContainerCreating", "CrashLoopBackOff", "ErrImagePull")
    .map((reason) => ({ _tag: "Waiting" as const, reason })),
  fc.constant({ _tag: "Running" as const, startedAt: T }),
  fc.integer({ min: 0, max: 3 }).map((exitCode) => ({
    _tag: "Terminated" as const,
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt: T,
    finishedAt: T,
  })),
);

const containerArb = (name: string): fc.Arbitrary<ContainerRecord> =>
  fc
    .record({ state: stateArb, ready: fc.boolean(), restarted: fc.boolean() })
    .map(({ state, ready, restarted }) => ({
      name,
      image: "busybox",
      state,
      restartCount: restarted ? 1 : 0,
      ready: ready && state._tag === "Running",
      started: state._tag === "Running",
      ...(restarted
        ? {
            lastTerminated: {
              _tag: "Terminated" as const,
              exitCode: 1,
              reason: "Error",
              startedAt: T,
              finishedAt: T,
            },
          }
        : {}),
    }));

const recordArb: fc.Arbitrary<PodRecord> = fc
  .record({
    policy: fc.constantFrom<RestartPolicy>("Always", "OnFailure", "Never"),
    init: fc.array(containerArb("init"), { maxLength: 2 }),
    containers: fc.array(containerArb("c"), { minLength: 1, maxLength: 3 }),
  })
  .map(({ policy, init, containers }) => ({
    restartPolicy: policy,
    hostIP: "127.0.0.1",
    podIP: "127.1.0.2",
    startTime: T,
    initContainers: init,
    containers,
  }));

describe("podPhase (kubelet's rules)", () => {
  test("Ready only when every container is running and ready, and never in a terminal phase", () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const ready = podConditions(record, [], T).find((c) => c.type === "Ready")!.status === "True";
        const phase = podPhase(record);
        if (ready) {
          expect(record.containers.every((c) => c.state._tag === "Running" && c.ready)).toBe(true);
          expect(phase).toBe("Running");
        }
      }),
      { numRuns: 500 },
    );
  });

  test("terminal phases need every container stopped for good", () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const phase = podPhase(record);
        if (phase === "Succeeded") {
          expect(record.restartPolicy).not.toBe("Always");
          expect(
            record.containers.every((c) => c.state._tag === "Terminated" && c.state.exitCode === 0),
          ).toBe(true);
        }
        if (
          phase === "Failed" &&
          record.initContainers.every((c) => c.state._tag !== "Terminated" || c.state.exitCode === 0)
        )
          expect(record.restartPolicy).toBe("Never");
      }),
      { numRuns: 500 },
    );
  });

  test("conditions keep their transition time while their status holds", () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const first = podConditions(record, [], T);
        const later = podConditions(record, first, "2026-01-02T00:00:00.000Z");
        expect(later.map((c) => c.lastTransitionTime)).toEqual(first.map(() => T));
      }),
      { numRuns: 200 },
    );
  });

  const one = (
    state: ContainerState,
    policy: RestartPolicy,
    extra: Partial<ContainerRecord> = {},
  ): PodRecord => ({
    restartPolicy: policy,
    hostIP: "127.0.0.1",
    startTime: T,
    initContainers: [],
    containers: [{ name: "c", image: "i", state, restartCount: 0, ready: false, started: false, ...extra }],
  });
  const done = (exitCode: number): ContainerState => ({
    _tag: "Terminated",
    exitCode,
    reason: "x",
    startedAt: T,
    finishedAt: T,
  });

  test("examples", () => {
    expect(podPhase(one({ _tag: "Waiting", reason: "ContainerCreating" }, "Always"))).toBe("Pending");
    expect(podPhase(one({ _tag: "Running", startedAt: T }, "Never"))).toBe("Running");
    expect(podPhase(one(done(0), "Never"))).toBe("Succeeded");
    expect(podPhase(one(done(3), "Never"))).toBe("Failed");
    expect(podPhase(one(done(0), "OnFailure"))).toBe("Succeeded");
    const crashLooping = one({ _tag: "Waiting", reason: "CrashLoopBackOff" }, "Always", {
      lastTerminated: done(1) as never,
    });
    expect(podPhase(crashLooping)).toBe("Running");
  });

  test("the status carries IPs, counts and both states", () => {
    const status = podStatus(
      one({ _tag: "Waiting", reason: "CrashLoopBackOff", message: "back-off" }, "Always", {
        restartCount: 2,
        lastTerminated: done(3) as never,
      }),
      [],
      T,
    );
    expect(status.podIPs).toBeUndefined();
    expect(status.containerStatuses[0]).toMatchObject({
      restartCount: 2,
      ready: false,
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off" } },
      lastState: { terminated: { exitCode: 3 } },
    });
  });
});

describe("restarts", () => {
  test("policy decides on the exit code", () => {
    expect([
      shouldRestart("Always", 0),
      shouldRestart("OnFailure", 0),
      shouldRestart("OnFailure", 1),
      shouldRestart("Never", 1),
    ]).toEqual([true, false, true, false]);
  });

  test("backoff doubles from the base and stays under the cap", () => {
    expect([1, 2, 3, 4, 10].map((n) => restartDelayMs(n, 10_000, 300_000))).toEqual([
      10_000, 20_000, 40_000, 80_000, 300_000,
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (n) => {
        const d = restartDelayMs(n, 100, 5000);
        expect(d).toBeGreaterThanOrEqual(100);
        expect(d).toBeLessThanOrEqual(5000);
      }),
    );
  });
});
