import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { Effect, Fiber } from "effect";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { KubeClient } from "../../../src/kube/client";
import {
  DEFAULT_LEASE_NAME,
  type LeaderElectionConfig,
  type Lease,
  withLeaderElection,
} from "../../../src/kube/leader-election";
import { refs, typedRef } from "../../../src/kube/resources";
import { connectionTo, eventuallyEffect, runWith, startServer } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

const leaseRef = typedRef<Lease>(refs.lease);
let server: ApiServerHandle;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Who is running their leader-only program right now, and the most that ever ran at once. */
class Leaders {
  readonly running = new Set<string>();
  readonly starts = new Map<string, number>();
  maxAtOnce = 0;
  program(identity: string) {
    return Effect.acquireRelease(
      Effect.sync(() => {
        this.running.add(identity);
        this.starts.set(identity, (this.starts.get(identity) ?? 0) + 1);
        this.maxAtOnce = Math.max(this.maxAtOnce, this.running.size);
      }),
      () => Effect.sync(() => this.running.delete(identity)),
    ).pipe(Effect.zipRight(Effect.never), Effect.scoped);
  }
}

const quick = (
  name: string,
  identity: string,
  extra: Partial<LeaderElectionConfig> = {},
): LeaderElectionConfig => ({
  namespace: "kube-system",
  name,
  identity,
  leaseDuration: "2 seconds",
  renewDeadline: "1500 millis",
  retryPeriod: "200 millis",
  ...extra,
});

const readLease = (name: string) =>
  Effect.flatMap(KubeClient, (c) => c.get(leaseRef, name, { namespace: "kube-system" }));

test("two candidates: one leads, and hands over when it releases", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const leaders = new Leaders();
      const a = yield* Effect.fork(withLeaderElection(quick("handover", "a"), leaders.program("a")));
      yield* eventuallyEffect(() => expect([...leaders.running]).toEqual(["a"]));
      const b = yield* Effect.fork(withLeaderElection(quick("handover", "b"), leaders.program("b")));
      // Let the lease be renewed a few times while b competes: still only a.
      const first = (yield* readLease("handover")).spec?.renewTime;
      let renewals = 0;
      let last = first;
      while (renewals < 3) {
        const now = (yield* readLease("handover")).spec?.renewTime;
        if (now !== last) renewals++;
        last = now;
        yield* Effect.sleep("50 millis");
      }
      expect([...leaders.running]).toEqual(["a"]);

      yield* Fiber.interrupt(a); // a shuts down and releases the lease
      yield* eventuallyEffect(() => expect([...leaders.running]).toEqual(["b"]));
      const lease = yield* readLease("handover");
      expect(lease.spec?.holderIdentity).toBe("b");
      expect(lease.spec?.leaseTransitions).toBe(1);
      expect(leaders.maxAtOnce).toBe(1);
      yield* Fiber.interrupt(b);
      expect((yield* readLease("handover")).spec?.holderIdentity).toBe("");
    }),
  ));

test("a crashed leader's lease is taken over after it expires", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const leaders = new Leaders();
      const crashing = yield* Effect.fork(
        withLeaderElection(
          quick("expiry", "crashing", { releaseOnCancel: false }),
          leaders.program("crashing"),
        ),
      );
      yield* eventuallyEffect(() => expect([...leaders.running]).toEqual(["crashing"]));
      yield* Fiber.interrupt(crashing); // no release: the lease still names the dead leader
      expect((yield* readLease("expiry")).spec?.holderIdentity).toBe("crashing");
      const successor = yield* Effect.fork(
        withLeaderElection(quick("expiry", "successor"), leaders.program("successor")),
      );
      yield* eventuallyEffect(() => expect([...leaders.running]).toEqual(["successor"]));
      expect((yield* readLease("expiry")).spec?.holderIdentity).toBe("successor");
      expect(leaders.maxAtOnce).toBe(1);
      yield* Fiber.interrupt(successor);
    }),
  ));

test("a leader whose lease is taken stops its program, then competes again", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const c = yield* KubeClient;
      const leaders = new Leaders();
      const a = yield* Effect.fork(withLeaderElection(quick("stolen", "a"), leaders.program("a")));
      yield* eventuallyEffect(() => expect([...leaders.running]).toEqual(["a"]));
      // Another party takes the lease and keeps it fresh.
      const steal = Effect.gen(function* () {
        const lease = yield* readLease("stolen");
        yield* c.replace(leaseRef, {
          ...lease,
          spec: { ...lease.spec, holderIdentity: "intruder", renewTime: new Date().toISOString() },
        });
      }).pipe(Effect.retry({ times: 20 }));
      const intruder = yield* Effect.fork(Effect.forever(Effect.zipRight(steal, Effect.sleep("100 millis"))));
      yield* eventuallyEffect(() => expect(leaders.running.size).toBe(0));
      yield* Fiber.interrupt(intruder);
      // The intruder stopped renewing: after expiry a leads again, with a fresh run of its program.
      yield* eventuallyEffect(() => expect([...leaders.running]).toEqual(["a"]));
      expect(leaders.starts.get("a")).toBe(2);
      yield* Fiber.interrupt(a);
    }),
  ));

test("a leader whose program fails releases the lease and reports the failure", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const failed = yield* Effect.flip(
        withLeaderElection(quick("failing", "f"), Effect.fail("program broke" as const)),
      );
      expect(failed).toBe("program broke");
      expect((yield* readLease("failing")).spec?.holderIdentity).toBe("");
    }),
  ));

test("the default lease name is upstream's", () => {
  expect(DEFAULT_LEASE_NAME).toBe("a3317529.agent-sandbox.x-k8s.io");
});
