import { expect, test } from "bun:test";
import fc from "fast-check";
import type { v1beta1 } from "../../../src/api";
import { planClaim } from "../../../src/controller/claim/plan";
import { concernsOwningClaim, concernsWaitingClaims } from "../../../src/controller/mapping";
import { ago, claimObj, claimObserved, claimOwner, member, poolObj } from "../../support/claim-fixtures";

// A claim is not woken for a change to its Sandbox that `concernsOwningClaim` calls irrelevant, nor a waiting
// claim for a change to its pool that `concernsWaitingClaims` calls irrelevant. That is safe
// only if the claim's plan reads nothing such a change moves: whatever the Sandbox and the claim's own state,
// planning against the Sandbox before the change and after it must give the same plan.

const condition = (type: string) =>
  fc.record({
    type: fc.constant(type),
    status: fc.constantFrom("True", "False", "Unknown"),
    reason: fc.constantFrom("DependenciesReady", "DependenciesNotReady", "SandboxExpired", "PodSucceeded"),
    message: fc.constantFrom("", "Pod is Ready", "Pod is not Ready"),
    lastTransitionTime: fc.constantFrom(ago(0), ago(5000)),
    observedGeneration: fc.integer({ min: 1, max: 3 }),
  });

/** Labels, sometimes with the claim's identity label (right or wrong), which the claim keeps in place. */
const labelsArb = fc.dictionary(
  fc.constantFrom("a", "b", "agents.x-k8s.io/claim-uid"),
  fc.constantFrom("1", "claim-uid"),
);

const sandboxArb: fc.Arbitrary<v1beta1.Sandbox> = fc
  .record({
    generation: fc.integer({ min: 1, max: 3 }),
    labels: labelsArb,
    podLabels: labelsArb,
    ready: fc.option(condition("Ready"), { nil: undefined }),
    finished: fc.option(condition("Finished"), { nil: undefined }),
    podIPs: fc.subarray(["10.0.0.1", "fd00::1"]),
    nodeName: fc.constantFrom(undefined, "node-a", "node-b"),
    serviceFQDN: fc.constantFrom(undefined, "s.ns.svc.cluster.local"),
  })
  .map(
    (f) =>
      ({
        apiVersion: "agents.x-k8s.io/v1beta1",
        kind: "Sandbox",
        metadata: {
          name: "s",
          namespace: "ns",
          uid: "s-uid",
          resourceVersion: "7",
          generation: f.generation,
          labels: f.labels,
          ownerReferences: [claimOwner],
        },
        spec: {
          podTemplate: { metadata: { labels: f.podLabels }, spec: { containers: [{ name: "main" }] } },
        },
        status: {
          podIPs: f.podIPs,
          conditions: [f.ready, f.finished].filter((c) => c !== undefined),
          ...(f.nodeName ? { nodeName: f.nodeName } : {}),
          ...(f.serviceFQDN ? { serviceFQDN: f.serviceFQDN } : {}),
        },
      }) as unknown as v1beta1.Sandbox,
  );

/**
 * A later version of `s` with one thing moved: its status bookkeeping (observed generations, node, Service),
 * or one of the things a claim may read. Spec changes move the generation, as the API server does.
 */
const changed = (s: v1beta1.Sandbox): fc.Arbitrary<v1beta1.Sandbox> => {
  const withStatus = (status: Partial<NonNullable<v1beta1.Sandbox["status"]>>) => ({
    ...s,
    status: { ...s.status, ...status },
  });
  const conditionsBut = (type: string, next: ReadonlyArray<unknown>) => [
    ...(s.status?.conditions ?? []).filter((c) => c.type !== type),
    ...next,
  ];
  return fc.oneof(
    fc.integer({ min: 1, max: 4 }).map((g) =>
      withStatus({
        conditions: (s.status?.conditions ?? []).map((c) => ({ ...c, observedGeneration: g })),
      }),
    ),
    fc
      .record({ nodeName: fc.constantFrom("node-a", "node-c"), fqdn: fc.constantFrom("t.ns.svc") })
      .map((f) => withStatus({ nodeName: f.nodeName, serviceFQDN: f.fqdn })),
    fc
      .array(condition("Ready"), { maxLength: 1 })
      .map((c) => withStatus({ conditions: conditionsBut("Ready", c) as never })),
    fc
      .array(condition("Finished"), { maxLength: 1 })
      .map((c) => withStatus({ conditions: conditionsBut("Finished", c) as never })),
    fc.subarray(["10.0.0.1", "fd00::1", "10.0.0.2"]).map((podIPs) => withStatus({ podIPs })),
    labelsArb.map((labels) => ({
      ...s,
      metadata: { ...s.metadata, labels },
    })),
    labelsArb.map((labels) => ({
      ...s,
      metadata: { ...s.metadata, generation: (s.metadata.generation ?? 0) + 1 },
      spec: { ...s.spec, podTemplate: { ...s.spec.podTemplate, metadata: { labels } } },
    })),
    fc.constant({ ...s, metadata: { ...s.metadata, ownerReferences: [] } }),
    fc.constant({ ...s, metadata: { ...s.metadata, deletionTimestamp: ago(0) } }),
  ) as fc.Arbitrary<v1beta1.Sandbox>;
};

const boundClaim = fc
  .record({
    status: fc.option(
      fc.record({
        conditions: fc.array(condition("Ready"), { maxLength: 1 }),
        sandbox: fc.record({ name: fc.constant("s"), podIPs: fc.subarray(["10.0.0.1"]) }),
      }),
      { nil: undefined },
    ),
    annotated: fc.boolean(),
  })
  .map(({ status, annotated }) => {
    const claim = claimObj({}, status as v1beta1.SandboxClaim["status"]);
    return annotated
      ? { ...claim, metadata: { ...claim.metadata, annotations: { "agents.x-k8s.io/sandbox-name": "s" } } }
      : claim;
  });

test("a change that does not concern the owning claim leaves the claim's plan as it was", () => {
  fc.assert(
    fc.property(
      boundClaim,
      sandboxArb.chain((old) => fc.tuple(fc.constant(old), changed(old))),
      (claim, [old, next]) => {
        const plan = (s: v1beta1.Sandbox) => planClaim(claimObserved(claim, [], new Map([["s", s]])));
        if (!concernsOwningClaim(old, next)) expect(plan(next)).toEqual(plan(old));
      },
    ),
    { numRuns: 2000 },
  );
});

test("the changes that only move status bookkeeping are the ones skipped", () => {
  fc.assert(
    fc.property(sandboxArb, (s) => {
      const observed = {
        ...s,
        status: {
          ...s.status,
          conditions: (s.status?.conditions ?? []).map((c) => ({ ...c, observedGeneration: 9 })),
        },
      };
      expect(concernsOwningClaim(s, observed)).toBe(false);
      const relabelled = { ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, extra: "1" } } };
      expect(concernsOwningClaim(s, relabelled)).toBe(true);
      const moved = { ...s, status: { ...s.status, podIPs: ["10.9.9.9"] } };
      expect(concernsOwningClaim(s, moved)).toBe(true);
    }),
  );
});

// The same for a claim still waiting for a Sandbox and a change to its pool.

const poolArb: fc.Arbitrary<v1beta1.SandboxWarmPool> = fc
  .record({
    generation: fc.integer({ min: 1, max: 3 }),
    replicas: fc.integer({ min: 0, max: 3 }),
    strategy: fc.constantFrom(undefined, "Recreate", "OnReplenish"),
    template: fc.constantFrom("tpl", "other"),
    deleting: fc.boolean(),
    ready: fc.integer({ min: 0, max: 3 }),
  })
  .map(
    (f) =>
      ({
        ...poolObj,
        metadata: {
          ...poolObj.metadata,
          generation: f.generation,
          ...(f.deleting ? { deletionTimestamp: ago(0) } : {}),
        },
        spec: {
          replicas: f.replicas,
          sandboxTemplateRef: { name: f.template },
          ...(f.strategy ? { updateStrategy: { type: f.strategy } } : {}),
        },
        status: { replicas: f.replicas, readyReplicas: f.ready, observedGeneration: f.generation },
      }) as v1beta1.SandboxWarmPool,
  );

/** A later version of `pool`: its status, its spec (the generation moves), or its deletion. */
const poolChanged = (pool: v1beta1.SandboxWarmPool): fc.Arbitrary<v1beta1.SandboxWarmPool> =>
  fc.oneof(
    fc
      .record({ ready: fc.integer({ min: 0, max: 3 }), replicas: fc.integer({ min: 0, max: 3 }) })
      .map((f) => ({ ...pool, status: { ...pool.status, readyReplicas: f.ready, replicas: f.replicas } })),
    poolArb.map((p) => ({
      ...pool,
      metadata: { ...pool.metadata, generation: (pool.metadata.generation ?? 0) + 1 },
      spec: p.spec,
    })),
    fc.constant({ ...pool, metadata: { ...pool.metadata, deletionTimestamp: ago(0) } }),
  ) as fc.Arbitrary<v1beta1.SandboxWarmPool>;

test("a pool change that does not concern waiting claims leaves their plans as they were", () => {
  const members = fc.array(
    fc
      .record({ ready: fc.boolean(), age: fc.integer({ min: 1, max: 3 }), i: fc.nat(5) })
      .map((m) => member(`pool-${m.i}`, m.age * 1000, m.ready)),
    { maxLength: 3 },
  );
  fc.assert(
    fc.property(
      members,
      fc.integer({ min: 0, max: 20_000 }),
      poolArb.chain((old) => fc.tuple(fc.constant(old), poolChanged(old))),
      (candidates, ageMs, [old, next]) => {
        const claim = claimObj({}, undefined, ageMs);
        const plan = (pool: v1beta1.SandboxWarmPool) =>
          planClaim({ ...claimObserved(claim, candidates), pool });
        if (!concernsWaitingClaims(old, next)) expect(plan(next)).toEqual(plan(old));
      },
    ),
    { numRuns: 1000 },
  );
});
