import { Clock, Duration, Effect, Either, Exit } from "effect";
import { KubeClient } from "./client";
import type { KubeObject } from "./object";
import { refs, typedRef } from "./resources";
import { leaseRetrySchedule } from "./schedules";

/** Upstream's lease name, so our controller and theirs never both lead one cluster. */
export const DEFAULT_LEASE_NAME = "a3317529.agent-sandbox.x-k8s.io";

export interface LeaderElectionConfig {
  readonly namespace: string;
  readonly name?: string;
  /** Unique per candidate (pod name + random suffix, say). */
  readonly identity: string;
  /** How long a lease holds without renewal. Default 15 s. */
  readonly leaseDuration?: Duration.DurationInput;
  /** A leader that could not renew for this long steps down. Default 10 s. */
  readonly renewDeadline?: Duration.DurationInput;
  /** Between attempts to acquire or renew. Default 2 s. */
  readonly retryPeriod?: Duration.DurationInput;
  /** Clear the holder when leadership ends by interruption, so a successor need not wait. Default true. */
  readonly releaseOnCancel?: boolean;
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

const leaseRef = typedRef<Lease>(refs.lease);

/** MicroTime, the format Lease timestamps use. */
const microTime = (millis: number): string => new Date(millis).toISOString().replace(/Z$/, "000Z");

/**
 * Runs `program` only while holding the Lease. If renewal fails for `renewDeadline`, the program is interrupted
 * and the candidate competes again (restarting the program when it wins). When the program ends (success or
 * failure) or is interrupted, the lease is released.
 */
export const withLeaderElection = <A, E, R>(
  config: LeaderElectionConfig,
  program: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R | KubeClient> =>
  Effect.gen(function* () {
    const client = yield* KubeClient;
    const name = config.name ?? DEFAULT_LEASE_NAME;
    const leaseSeconds = Math.ceil(Duration.toMillis(config.leaseDuration ?? "15 seconds") / 1000);
    const renewDeadline = Duration.decode(config.renewDeadline ?? "10 seconds");
    const retryPeriod = config.retryPeriod ?? "2 seconds";
    const retry = leaseRetrySchedule(retryPeriod);
    const leaseKey = `${config.namespace}/${name}`;
    const log = (message: string) =>
      Effect.logInfo(message).pipe(Effect.annotateLogs({ lease: leaseKey, identity: config.identity }));

    // What we last saw of the lease and when (our clock): expiry is judged locally, immune to clock skew.
    let observedVersion: string | undefined;
    let observedAt = 0;

    const tryAcquireOrRenew: Effect.Effect<boolean> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis;
      const fresh = (transitions: number): LeaseSpec => ({
        holderIdentity: config.identity,
        leaseDurationSeconds: leaseSeconds,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: transitions,
      });
      const current = yield* Effect.either(client.get(leaseRef, name, { namespace: config.namespace }));
      if (Either.isLeft(current)) {
        if (current.left._tag !== "NotFound") return yield* failed("read", current.left);
        const created = yield* Effect.either(
          client.create(leaseRef, {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name, namespace: config.namespace },
            spec: fresh(0),
          }),
        );
        if (Either.isLeft(created))
          return created.left._tag === "AlreadyExists" ? false : yield* failed("create", created.left);
        observedVersion = created.right.metadata?.resourceVersion;
        observedAt = now;
        return true;
      }
      const lease = current.right;
      const spec = lease.spec ?? {};
      if (lease.metadata?.resourceVersion !== observedVersion) {
        observedVersion = lease.metadata?.resourceVersion;
        observedAt = now;
      }
      const holder = spec.holderIdentity ?? "";
      const heldByUs = holder === config.identity;
      const expired = observedAt + (spec.leaseDurationSeconds ?? 0) * 1000 <= now;
      if (holder !== "" && !heldByUs && !expired) return false;
      const nextSpec = heldByUs
        ? { ...spec, renewTime: microTime(now), leaseDurationSeconds: leaseSeconds }
        : fresh((spec.leaseTransitions ?? 0) + 1);
      // `replace` carries the resourceVersion we read: a rival's concurrent write makes ours fail with Conflict.
      const updated = yield* Effect.either(client.replace(leaseRef, { ...lease, spec: nextSpec }));
      if (Either.isLeft(updated))
        return updated.left._tag === "Conflict" ? false : yield* failed("update", updated.left);
      observedVersion = updated.right.metadata?.resourceVersion;
      observedAt = now;
      return true;
    });

    const failed = (what: string, cause: unknown) =>
      Effect.logWarning(`lease ${what} failed`, cause).pipe(
        Effect.annotateLogs({ lease: leaseKey }),
        Effect.as(false),
      );

    /** Tries on the retry schedule until the lease is ours (acquired, or renewed when we already hold it). */
    const acquire = Effect.repeat(tryAcquireOrRenew, { schedule: retry, until: (won) => won });

    /** Completes when renewals kept failing for the whole renew deadline. */
    const renewUntilLost = Effect.gen(function* () {
      for (;;) {
        yield* Effect.sleep(retryPeriod);
        const renewed = yield* acquire.pipe(Effect.timeoutOption(renewDeadline));
        if (renewed._tag === "None") return;
      }
    });

    const release = Effect.gen(function* () {
      const lease = yield* client.get(leaseRef, name, { namespace: config.namespace });
      if (lease.spec?.holderIdentity !== config.identity) return;
      const now = yield* Clock.currentTimeMillis;
      yield* client.replace(leaseRef, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(now) },
      });
      yield* log("released leadership");
    }).pipe(
      Effect.timeout("5 seconds"),
      Effect.catchAll((e) => failed("release", e)),
    );

    const lead = Effect.gen(function* () {
      for (;;) {
        yield* acquire;
        yield* log("became leader");
        const outcome = yield* Effect.raceFirst(
          Effect.map(program, (value) => ({ done: true as const, value })),
          Effect.as(renewUntilLost, { done: false as const }),
        );
        if (outcome.done) return outcome.value;
        yield* log("lost leadership; program stopped, competing again");
      }
    });
    // Release however leadership ends (a no-op unless we hold the lease), except a cancel told not to.
    return yield* lead.pipe(
      Effect.onExit((exit) =>
        Exit.isInterrupted(exit) && config.releaseOnCancel === false ? Effect.void : release,
      ),
    );
  });
