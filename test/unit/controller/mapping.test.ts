import { describe, expect, test } from "bun:test";
import type { v1beta1 } from "../../../src/api";
import type { ChildKind } from "../../../src/controller/common/actions";
import type { CacheView, KindTypes } from "../../../src/controller/common/view";
import { keysFor } from "../../../src/controller/mapping";
import { WaitingClaims } from "../../../src/controller/waiting";
import { member, poolOwner } from "../../support/claim-fixtures";

// A view holding just the objects a test names (pure lookup: this is a unit test of the mapping).
const viewOf = (objects: Partial<{ [K in ChildKind]: ReadonlyArray<KindTypes[K]> }>): CacheView => ({
  get: (kind, namespace, name) =>
    (objects[kind] ?? []).find(
      (o) => o.metadata?.namespace === namespace && o.metadata?.name === name,
    ) as never,
  list: (kind, namespace) =>
    (objects[kind] ?? []).filter((o) => o.metadata?.namespace === namespace) as never,
  // The mapping reads waiting claims from the index it is given, not from the view.
  hasWaitingClaims: () => false,
});

const claim = {
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxClaim",
  metadata: { name: "c1", namespace: "ns", uid: "claim-uid" },
  spec: { warmPoolRef: { name: "pool" } },
} as unknown as v1beta1.SandboxClaim;

const adopted = {
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: {
    name: "pool-abcde",
    namespace: "ns",
    ownerReferences: [
      {
        apiVersion: "extensions.agents.x-k8s.io/v1beta1",
        kind: "SandboxClaim",
        name: "c1",
        uid: "claim-uid",
        controller: true,
      },
    ],
  },
  spec: {},
};

describe("keysFor", () => {
  test("a Sandbox adopted by a claim wakes the claim's pool, so the pool refills", () => {
    const keys = keysFor("Sandbox", adopted, viewOf({ SandboxClaim: [claim] }), new WaitingClaims());
    expect(keys).toContainEqual({ kind: "SandboxWarmPool", namespace: "ns", name: "pool" });
    expect(keys).toContainEqual({ kind: "SandboxClaim", namespace: "ns", name: "c1" });
  });

  test("a pool member's change wakes its pool's waiting claims, not bound ones or other pools'", () => {
    const waiting = new WaitingClaims();
    const waitingClaim = { ...claim, metadata: { ...claim.metadata, name: "waits" } };
    const bound = {
      ...claim,
      metadata: { ...claim.metadata, name: "bound" },
      status: { sandbox: { name: "x" } },
    };
    const elsewhere = {
      ...claim,
      metadata: { ...claim.metadata, name: "other" },
      spec: { warmPoolRef: { name: "p2" } },
    };
    for (const c of [waitingClaim, bound, elsewhere]) waiting.observe(c as v1beta1.SandboxClaim);
    const member = {
      ...adopted,
      metadata: {
        ...adopted.metadata,
        ownerReferences: [poolOwner],
      },
    };
    const keys = keysFor("Sandbox", member, viewOf({}), waiting);
    expect(keys.filter((k) => k.kind === "SandboxClaim")).toEqual([
      { kind: "SandboxClaim", namespace: "ns", name: "waits" },
    ]);
  });

  test("a member still without a pod IP wakes its pool but not the waiting claims; with one, or leaving, it does", () => {
    const waiting = new WaitingClaims();
    waiting.observe(claim);
    const claimKeys = (s: v1beta1.Sandbox) =>
      keysFor("Sandbox", s, viewOf({}), waiting).filter((k) => k.kind === "SandboxClaim");
    const starting = member("pool-new", 0, false);
    expect(keysFor("Sandbox", starting, viewOf({}), waiting)).toContainEqual({
      kind: "SandboxWarmPool",
      namespace: "ns",
      name: "pool",
    });
    expect(claimKeys(starting)).toEqual([]);
    expect(claimKeys(member("pool-new", 0, true))).toEqual([
      { kind: "SandboxClaim", namespace: "ns", name: "c1" },
    ]);
    const leaving = {
      ...starting,
      metadata: { ...starting.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" },
    };
    expect(claimKeys(leaving)).toEqual([{ kind: "SandboxClaim", namespace: "ns", name: "c1" }]);
  });

  test("updates wake claims only for what they read: a pool's spec, not its status; a Sandbox's Ready, not its observed generation", () => {
    const waiting = new WaitingClaims();
    waiting.observe(claim);
    const pool = {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxWarmPool",
      metadata: { name: "pool", namespace: "ns", generation: 1 },
      spec: { replicas: 2, sandboxTemplateRef: { name: "tpl" } },
      status: { readyReplicas: 2 },
    };
    const claimKeys = (kind: ChildKind, o: object, old: object) =>
      keysFor(kind, o as never, viewOf({}), waiting, old as never).filter((k) => k.kind === "SandboxClaim");
    const c1 = [{ kind: "SandboxClaim" as const, namespace: "ns", name: "c1" }];
    expect(claimKeys("SandboxWarmPool", { ...pool, status: { readyReplicas: 1 } }, pool)).toEqual([]);
    const resized = {
      ...pool,
      metadata: { ...pool.metadata, generation: 2 },
      spec: { ...pool.spec, replicas: 3 },
    };
    expect(claimKeys("SandboxWarmPool", resized, pool)).toEqual(c1);

    const ready = (observedGeneration: number, status = "True") => ({
      ...adopted,
      status: {
        conditions: [
          { type: "Ready", status, reason: "R", message: "", lastTransitionTime: "t", observedGeneration },
        ],
      },
    });
    expect(claimKeys("Sandbox", ready(2), ready(1))).toEqual([]);
    expect(claimKeys("Sandbox", ready(2, "False"), ready(1))).toEqual(c1);
    // An event without the object it replaced (an addition) always wakes the claim.
    expect(keysFor("Sandbox", ready(2), viewOf({}), waiting)).toContainEqual(c1[0]!);
  });

  test("a claimed Sandbox whose claim is not cached wakes no pool", () => {
    const keys = keysFor("Sandbox", adopted, viewOf({}), new WaitingClaims());
    expect(keys.some((k) => k.kind === "SandboxWarmPool")).toBe(false);
  });
});
