// Rules of §2.2-2.6 checked one by one on the planners.
import { describe, expect, test } from "bun:test";
import type { Pod, v1beta1 } from "../../../src/api";
import { nameHash } from "../../../src/api";
import { planClaim } from "../../../src/controller/claim/plan";
import type { Action } from "../../../src/controller/common/actions";
import { planSandbox } from "../../../src/controller/sandbox/plan";
import { planWarmPool } from "../../../src/controller/warmpool/plan";
import { mergePatch } from "../../property/controller/sim";
import {
  ago,
  claimObj,
  claimObserved,
  claimOwner,
  member,
  NOW,
  poolObj,
  tpl,
} from "../../support/claim-fixtures";

const sandbox = (
  over: Partial<v1beta1.SandboxSpec> = {},
  meta: Partial<v1beta1.Sandbox["metadata"]> = {},
): v1beta1.Sandbox => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name: "sb", namespace: "ns", uid: "sb-uid", generation: 3, ...meta },
  spec: {
    podTemplate: { metadata: { labels: { team: "a" } }, spec: { containers: [{ name: "main" }] } },
    ...over,
  },
});

const pod = (over: Partial<Pod> = {}, owner: string | null = "sb-uid"): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "sb",
    namespace: "ns",
    uid: "pod-uid",
    resourceVersion: "7",
    labels: { [`agents.x-k8s.io/sandbox-name-hash`]: nameHash("sb") },
    ...(owner
      ? {
          ownerReferences: [
            {
              apiVersion: "agents.x-k8s.io/v1beta1",
              kind: "Sandbox",
              name: "sb",
              uid: owner,
              controller: true,
            },
          ],
        }
      : {}),
  },
  spec: { containers: [{ name: "main" }], nodeName: "n1" },
  status: {
    phase: "Running",
    podIPs: [{ ip: "10.1.1.1" }],
    conditions: [
      { type: "Ready", status: "True" },
      { type: "PodScheduled", status: "True" },
    ],
  },
  ...over,
});

const observed = (s: v1beta1.Sandbox, pods: Pod[]) => ({
  sandbox: s,
  pods,
  service: undefined,
  pvcs: new Map(),
  now: NOW,
  clusterDomain: "cluster.local",
});
const statusOf = (actions: ReadonlyArray<Action>) =>
  (actions.find((a) => a._tag === "PatchStatus") as Extract<Action, { _tag: "PatchStatus" }> | undefined)
    ?.status as
    | {
        conditions?: Array<{
          type: string;
          status: string;
          reason: string;
          message: string;
          observedGeneration?: number;
        }>;
        podIPs?: string[];
        selector?: string;
      }
    | undefined;
const cond = (actions: ReadonlyArray<Action>, type: string) =>
  statusOf(actions)?.conditions?.find((c) => c.type === type);

describe("Sandbox planner", () => {
  test("creates the pod with propagated labels, bookkeeping annotations and the pod-name annotation, and reports it Pending", () => {
    const plan = planSandbox(observed(sandbox(), []));
    const create = plan.actions.find((a) => a._tag === "Create") as Extract<Action, { _tag: "Create" }>;
    const meta = create.object.metadata as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };
    expect(meta.labels).toEqual({ team: "a", "agents.x-k8s.io/sandbox-name-hash": nameHash("sb") });
    expect(meta.annotations["agents.x-k8s.io/propagated-labels"]).toBe("team");
    expect(plan.actions).toContainEqual({
      _tag: "Patch",
      key: { kind: "Sandbox", namespace: "ns", name: "sb" },
      patch: { metadata: { annotations: { "agents.x-k8s.io/pod-name": "sb" } } },
    });
    expect(cond(plan.actions, "Ready")).toMatchObject({
      status: "False",
      reason: "DependenciesNotReady",
      message: "Pod exists with phase: Pending",
      observedGeneration: 3,
    });
    // The pod as just created: not yet scheduled, and the selector that finds it.
    expect(cond(plan.actions, "PodScheduled")).toMatchObject({
      status: "Unknown",
      reason: "PodSchedulingUnknown",
    });
    expect(statusOf(plan.actions)?.selector).toBe(`agents.x-k8s.io/sandbox-name-hash=${nameHash("sb")}`);
  });

  test("Ready from a running, ready pod with IPs; conditions and podIPs mirrored", () => {
    const plan = planSandbox(
      observed(sandbox({}, { annotations: { "agents.x-k8s.io/pod-name": "sb" } }), [pod()]),
    );
    expect(cond(plan.actions, "Ready")).toMatchObject({
      status: "True",
      reason: "DependenciesReady",
      message: "Pod is Ready",
    });
    expect(cond(plan.actions, "Suspended")).toMatchObject({ status: "False", reason: "NotSuspended" });
    expect(cond(plan.actions, "PodScheduled")).toMatchObject({ status: "True", reason: "PodScheduled" });
    expect(statusOf(plan.actions)?.podIPs).toEqual(["10.1.1.1"]);
  });

  test("removes labels it propagated before and that the template dropped", () => {
    const p = pod();
    const old = pod({
      metadata: {
        ...p.metadata,
        labels: { ...p.metadata.labels, gone: "x", team: "a" },
        annotations: {
          "agents.x-k8s.io/propagated-labels": "gone,team",
          "agents.x-k8s.io/propagated-annotations": "",
        },
      },
    });
    const plan = planSandbox(
      observed(sandbox({}, { annotations: { "agents.x-k8s.io/pod-name": "sb" } }), [old]),
    );
    const patch = plan.actions.find((a) => a._tag === "Patch" && a.key.kind === "Pod") as Extract<
      Action,
      { _tag: "Patch" }
    >;
    expect((patch.patch.metadata as { labels: Record<string, unknown> }).labels).toEqual({ gone: null });
  });

  test("more than one owned pod: MultiplePods with a Warning event", () => {
    const second = pod({ metadata: { ...pod().metadata, name: "other", uid: "p2" } });
    const plan = planSandbox(observed(sandbox(), [pod(), second]));
    expect(cond(plan.actions, "Ready")?.reason).toBe("MultiplePods");
    expect(
      plan.actions.some((a) => a._tag === "Event" && a.type === "Warning" && a.reason === "MultiplePods"),
    ).toBe(true);
  });

  test("a pod controlled by someone else is never touched: ReconcilerError", () => {
    const plan = planSandbox(observed(sandbox(), [pod({}, "someone-else")]));
    expect(plan.failure).toContain("controlled by another object");
    expect(cond(plan.actions, "Ready")?.reason).toBe("ReconcilerError");
    expect(plan.actions.some((a) => a._tag !== "PatchStatus" && "key" in a && a.key.kind === "Pod")).toBe(
      false,
    );
  });

  test("an unowned pod with the name hash is adopted under its resourceVersion", () => {
    const plan = planSandbox(observed(sandbox(), [pod({}, null)]));
    const adopt = plan.actions.find((a) => a._tag === "Patch" && a.key.kind === "Pod") as Extract<
      Action,
      { _tag: "Patch" }
    >;
    expect(adopt.resourceVersion).toBe("7");
    expect(JSON.stringify(adopt.patch)).toContain("sb-uid");
  });

  test("Suspended deletes the owned pod (by uid) and reports suspending, then suspended", () => {
    const suspending = planSandbox(observed(sandbox({ operatingMode: "Suspended" }), [pod()]));
    expect(suspending.actions).toContainEqual({
      _tag: "Delete",
      key: { kind: "Pod", namespace: "ns", name: "sb" },
      uid: "pod-uid",
    });
    expect(cond(suspending.actions, "Ready")).toMatchObject({
      reason: "SandboxSuspended",
      message: "Sandbox is suspending",
    });
    expect(cond(suspending.actions, "Suspended")).toMatchObject({
      status: "False",
      reason: "PodTerminating",
    });
    const done = planSandbox(observed(sandbox({ operatingMode: "Suspended" }), []));
    expect(cond(done.actions, "Suspended")).toMatchObject({ status: "True", reason: "PodTerminated" });
    expect(cond(done.actions, "Ready")?.message).toBe("Sandbox is suspended");
  });

  test("a Failed pod with restartPolicy Always is replaced; with Never the Sandbox is Finished", () => {
    const failed = pod({ status: { phase: "Failed" } });
    const always = planSandbox(observed(sandbox(), [failed]));
    expect(always.actions.some((a) => a._tag === "Delete" && a.key.kind === "Pod")).toBe(true);
    const never = planSandbox(
      observed(
        sandbox({ podTemplate: { spec: { containers: [{ name: "main" }], restartPolicy: "Never" } } }),
        [failed],
      ),
    );
    expect(never.actions.some((a) => a._tag === "Delete")).toBe(false);
    expect(cond(never.actions, "Finished")).toMatchObject({ status: "True", reason: "PodFailed" });
  });

  test("expiry: first mark SandboxExpired, then delete pod and (policy Delete) the Sandbox", () => {
    const expired = sandbox({ shutdownTime: ago(1000), shutdownPolicy: "Delete" });
    const first = planSandbox(observed(expired, [pod()]));
    expect(cond(first.actions, "Ready")).toMatchObject({
      reason: "SandboxExpired",
      message: "Sandbox has expired",
    });
    expect(first.requeueAfterMs).toBe(1);
    const marked = {
      ...expired,
      status: {
        conditions: [
          {
            type: "Ready",
            status: "False" as const,
            reason: "SandboxExpired",
            message: "",
            lastTransitionTime: ago(0),
          },
        ],
      },
    };
    const second = planSandbox(observed(marked, [pod()]));
    expect(second.actions.map((a) => a._tag === "Delete" && a.key.kind)).toEqual(["Pod", "Sandbox"]);
  });

  test("before expiry it comes back no later than the shutdown time (at least 2 s)", () => {
    expect(
      planSandbox(
        observed(sandbox({ shutdownTime: new Date(NOW.getTime() + 60_000).toISOString() }), [pod()]),
      ).requeueAfterMs,
    ).toBe(60_000);
    expect(
      planSandbox(observed(sandbox({ shutdownTime: new Date(NOW.getTime() + 10).toISOString() }), [pod()]))
        .requeueAfterMs,
    ).toBe(2000);
  });
});

const poolConfig = {
  readinessGraceMs: 300_000,
  unschedulableRecheckMs: 60_000,
  enableEviction: true,
  dnsNameservers: ["8.8.8.8"],
};
const poolObserved = (members: v1beta1.Sandbox[], pool = poolObj) => ({
  pool,
  template: tpl,
  members,
  expectationsSatisfied: true,
  pendingDeletes: new Set<string>(),
  wasNotProgressing: false,
  now: NOW,
  config: poolConfig,
});

describe("SandboxWarmPool planner", () => {
  test("scale up builds members with generateName, hash labels, secure defaults and the pool as controller", () => {
    const plan = planWarmPool(poolObserved([]));
    const batch = plan.actions.find((a) => a._tag === "CreateBatch") as Extract<
      Action,
      { _tag: "CreateBatch" }
    >;
    expect(batch.objects.length).toBe(2);
    const m = batch.objects[0] as {
      metadata: { generateName: string; labels: Record<string, string> };
      spec: {
        podTemplate: {
          metadata: { annotations: Record<string, string> };
          spec: { automountServiceAccountToken: boolean };
        };
      };
    };
    expect(m.metadata.generateName).toBe("pool-");
    expect(m.metadata.labels["agents.x-k8s.io/warm-pool-sandbox"]).toBe(nameHash("pool"));
    expect(m.spec.podTemplate.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"]).toBe(
      "true",
    );
    expect(m.spec.podTemplate.spec.automountServiceAccountToken).toBe(false);
    expect(plan.actions).toContainEqual({
      _tag: "PatchStatus",
      key: { kind: "SandboxWarmPool", namespace: "ns", name: "pool" },
      status: {
        replicas: 0,
        readyReplicas: 0,
        selector: `agents.x-k8s.io/warm-pool-sandbox=${nameHash("pool")}`,
        observedGeneration: 2,
      },
    });
  });

  test("no scaling while expectations are unmet", () => {
    const plan = planWarmPool({ ...poolObserved([]), expectationsSatisfied: false });
    expect(plan.actions.some((a) => a._tag === "CreateBatch")).toBe(false);
  });

  test("scale down removes non-ready members first, then the newest, under their resourceVersion", () => {
    const members = [
      member("old", 50_000, true),
      member("new", 1000, true),
      member("notready", 100_000, false),
      member("mid", 20_000, true),
    ];
    const plan = planWarmPool(poolObserved(members, { ...poolObj, spec: { ...poolObj.spec, replicas: 2 } }));
    const deletes = plan.actions.filter((a): a is Extract<Action, { _tag: "Delete" }> => a._tag === "Delete");
    expect(deletes.map((d) => d.key.name)).toEqual(["notready", "new"]);
    expect(deletes[0]?.resourceVersion).toBe("5");
  });

  test("readiness grace: stuck members are replaced, unschedulable ones kept with a Warning", () => {
    const unschedulable = member("u", 400_000, false, {
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "",
          lastTransitionTime: ago(0),
        },
      ],
    });
    const plan = planWarmPool(poolObserved([member("stuck", 400_000, false), unschedulable]));
    expect(
      plan.actions.filter((a) => a._tag === "Delete").map((a) => a._tag === "Delete" && a.key.name),
    ).toEqual(["stuck"]);
    expect(plan.actions.some((a) => a._tag === "Event" && a.reason === "WarmPoolNotProgressing")).toBe(true);
    expect(plan.notProgressing).toBe(true);
  });
});

/** `claimObj()` bound to `member` (which its claim now controls), its status naming `sandbox`. */
const boundTo = (member: v1beta1.Sandbox, sandbox: { name: string; podIPs?: string[] }) => {
  const claim = claimObj({}, { sandbox });
  return {
    claim: {
      ...claim,
      metadata: {
        ...claim.metadata,
        annotations: { ...claim.metadata.annotations, "agents.x-k8s.io/sandbox-name": sandbox.name },
      },
    },
    sandbox: { ...member, metadata: { ...member.metadata, ownerReferences: [claimOwner] } },
  };
};

describe("SandboxClaim planner", () => {
  test("warm adoption: claim annotated under its lock, then the Sandbox taken under its lock", () => {
    const plan = planClaim(claimObserved(claimObj(), [member("w1", 10_000, true)]));
    expect(plan.actions[0]).toMatchObject({
      _tag: "Patch",
      key: { kind: "SandboxClaim" },
      resourceVersion: "9",
      patch: { metadata: { annotations: { "agents.x-k8s.io/sandbox-name": "w1" } } },
    });
    expect(plan.actions[1]).toMatchObject({
      _tag: "Patch",
      key: { kind: "Sandbox", name: "w1" },
      resourceVersion: "5",
    });
    expect(JSON.stringify(plan.actions[1])).toContain('"agents.x-k8s.io/warm-pool-sandbox":null');
    expect(plan.adopting).toBe("w1");
  });

  test("candidates without pod IPs are not adopted: wait up to 2 s, then start cold", () => {
    const young = planClaim(claimObserved(claimObj({}, undefined, 500), [member("w1", 10_000, false)]));
    expect(young.actions.some((a) => a._tag === "Create")).toBe(false);
    expect(young.requeueAfterMs).toBeLessThanOrEqual(500);
    const old = planClaim(claimObserved(claimObj({}, undefined, 3000), [member("w1", 10_000, false)]));
    expect(old.actions.some((a) => a._tag === "Create" && a.kind === "Sandbox")).toBe(true);
  });

  test("ttlSecondsAfterFinished: expiry counts from the mirrored Finished condition", () => {
    const finished = {
      conditions: [
        {
          type: "Finished",
          status: "True" as const,
          reason: "PodSucceeded",
          message: "",
          lastTransitionTime: ago(5000),
        },
      ],
    };
    const plan = planClaim(claimObserved(claimObj({ lifecycle: { ttlSecondsAfterFinished: 3 } }, finished)));
    expect(plan.actions.some((a) => a._tag === "Event" && a.reason === "ClaimExpired")).toBe(true);
    const notYet = planClaim(
      claimObserved(claimObj({ lifecycle: { ttlSecondsAfterFinished: 60 } }, finished)),
    );
    expect(notYet.requeueAfterMs).toBe(55_000);
  });

  test("expired claims: Delete/DeleteForeground delete the claim, Retain deletes only its Sandbox", () => {
    const expired = {
      conditions: [
        {
          type: "Ready",
          status: "False" as const,
          reason: "ClaimExpired",
          message: "",
          lastTransitionTime: ago(0),
        },
      ],
    };
    const lifecycle = (shutdownPolicy: "Delete" | "DeleteForeground" | "Retain") => ({
      lifecycle: { shutdownTime: ago(1000), shutdownPolicy },
    });
    expect(planClaim(claimObserved(claimObj(lifecycle("DeleteForeground"), expired))).actions).toContainEqual(
      {
        _tag: "Delete",
        key: { kind: "SandboxClaim", namespace: "ns", name: "c" },
        uid: "claim-uid",
        propagation: "Foreground",
      },
    );
    const mine = {
      ...member("c", 1000, true),
      metadata: {
        ...member("c", 1000, true).metadata,
        ownerReferences: [
          {
            apiVersion: "extensions.agents.x-k8s.io/v1beta1",
            kind: "SandboxClaim",
            name: "c",
            uid: "claim-uid",
            controller: true,
          },
        ],
      },
    };
    const retain = planClaim(
      claimObserved(claimObj(lifecycle("Retain"), expired), [], new Map([["c", mine]])),
    );
    expect(
      retain.actions.filter((a) => a._tag === "Delete").map((a) => a._tag === "Delete" && a.key.kind),
    ).toEqual(["Sandbox"]);
  });

  test("the bound Sandbox's Ready condition is copied verbatim with the claim's generation", () => {
    const { claim, sandbox } = boundTo(member("w1", 1000, true), { name: "w1" });
    const plan = planClaim(claimObserved(claim, [], new Map([["w1", sandbox]])));
    const status = statusOf(plan.actions) as unknown as {
      conditions: Array<{ type: string; reason: string; observedGeneration: number }>;
      sandbox: { name: string; podIPs: string[] };
    };
    expect(status.sandbox).toEqual({ name: "w1", podIPs: ["10.0.0.1"] });
    expect(status.conditions.find((c) => c.type === "Ready")).toMatchObject({
      reason: "x",
      observedGeneration: 1,
    });
  });
  test("pod IPs the bound Sandbox no longer has are removed from the claim, then the status is left alone", () => {
    // The pod finished: the Sandbox reports no IPs. A merge patch that just left podIPs out would keep them.
    const { claim: locked, sandbox: mine } = boundTo(member("w1", 1000, false), {
      name: "w1",
      podIPs: ["10.0.0.1"],
    });
    const plan = planClaim(claimObserved(locked, [], new Map([["w1", mine]])));
    const write = plan.actions.find((a) => a._tag === "PatchStatus");
    if (write?._tag !== "PatchStatus") throw new Error("expected a status write");
    expect(write.status.sandbox).toEqual({ name: "w1", podIPs: null });
    const status = mergePatch(locked.status, write.status) as NonNullable<typeof locked.status>;
    const patched = { ...locked, status };
    expect(patched.status?.sandbox).toEqual({ name: "w1" });
    expect(statusOf(planClaim(claimObserved(patched, [], new Map([["w1", mine]]))).actions)).toBeUndefined();
  });
});

describe("SandboxClaim planner: v1alpha1 claims (shadow pools)", () => {
  const shadow = claimObj({ warmPoolRef: { name: "shadow-pool-tpl" } });
  const readyReason = (actions: ReadonlyArray<Action>) =>
    (statusOf(actions) as unknown as { conditions: Array<{ type: string; reason: string }> }).conditions.find(
      (c) => c.type === "Ready",
    )?.reason;

  test("with no pool of the shadow name, the claim starts cold from the template in the name", () => {
    const plan = planClaim({ ...claimObserved(shadow), pool: undefined });
    expect(plan.actions).toContainEqual(
      expect.objectContaining({
        _tag: "Create",
        kind: "Sandbox",
        object: expect.objectContaining({ kind: "Sandbox" }),
      }),
    );
  });

  test("a missing template is TemplateNotFound, and a missing ordinary pool stays WarmPoolNotFound", () => {
    expect(
      readyReason(planClaim({ ...claimObserved(shadow), pool: undefined, template: undefined }).actions),
    ).toBe("TemplateNotFound");
    expect(readyReason(planClaim({ ...claimObserved(claimObj()), pool: undefined }).actions)).toBe(
      "WarmPoolNotFound",
    );
  });
});
