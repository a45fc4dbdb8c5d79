// Objects the claim planner's tests start from: a template, its pool, a pool member and a claim in namespace
// "ns", at a fixed NOW.
import { nameHash, type v1beta1 } from "../../src/api";

export const NOW = new Date("2026-06-01T12:00:00Z");
export const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

export const tpl: v1beta1.SandboxTemplate = {
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxTemplate",
  metadata: { name: "tpl", namespace: "ns", uid: "t" },
  spec: { podTemplate: { spec: { containers: [{ name: "main" }] } } },
};
export const poolObj: v1beta1.SandboxWarmPool = {
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxWarmPool",
  metadata: { name: "pool", namespace: "ns", uid: "pool-uid", generation: 2 },
  spec: { replicas: 2, sandboxTemplateRef: { name: "tpl" } },
};
export const claimObj = (
  spec: Partial<v1beta1.SandboxClaimSpec> = {},
  status?: v1beta1.SandboxClaim["status"],
  createdAgoMs = 100,
): v1beta1.SandboxClaim => ({
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxClaim",
  metadata: {
    name: "c",
    namespace: "ns",
    uid: "claim-uid",
    resourceVersion: "9",
    generation: 1,
    creationTimestamp: ago(createdAgoMs),
    annotations: { "agents.x-k8s.io/controller-first-observed-at": ago(0) },
  },
  spec: { warmPoolRef: { name: "pool" }, ...spec },
  ...(status ? { status } : {}),
});
export const claimObserved = (
  claim: v1beta1.SandboxClaim,
  candidates: v1beta1.Sandbox[] = [],
  sandboxes = new Map<string, v1beta1.Sandbox>(),
  reserved: ReadonlySet<string> = new Set<string>(),
) => ({
  claim,
  pool: poolObj,
  template: tpl,
  sandboxes,
  candidates,
  reserved,
  now: NOW,
  config: { allowedLabelDomains: ["sandbox.users.io"], dnsNameservers: ["8.8.8.8"] },
});
/** The controller reference a Sandbox bound to `claimObj()` carries. */
export const claimOwner = {
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxClaim",
  name: "c",
  uid: "claim-uid",
  controller: true,
};
/** The controller reference a member of `poolObj` carries. */
export const poolOwner = {
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxWarmPool",
  name: "pool",
  uid: "pool-uid",
  controller: true,
};

/** A Ready (with a pod IP) or not Ready member of the pool, created `ageMs` before NOW. */
export const member = (
  name: string,
  ageMs: number,
  ready: boolean,
  extra: v1beta1.Sandbox["status"] = {},
): v1beta1.Sandbox => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: {
    name,
    namespace: "ns",
    uid: `${name}-uid`,
    resourceVersion: "5",
    creationTimestamp: ago(ageMs),
    labels: {
      "agents.x-k8s.io/warm-pool-sandbox": nameHash("pool"),
      "agents.x-k8s.io/sandbox-template-ref-hash": nameHash("tpl"),
      "agents.x-k8s.io/launch-type": "warm",
    },
    ownerReferences: [poolOwner],
  },
  spec: { podTemplate: { spec: { containers: [{ name: "main" }] } } },
  status: {
    podIPs: ready ? ["10.0.0.1"] : [],
    conditions: [
      {
        type: "Ready",
        status: ready ? "True" : "False",
        reason: "x",
        message: "",
        lastTransitionTime: ago(0),
      },
      ...(extra.conditions ?? []),
    ],
  },
});
