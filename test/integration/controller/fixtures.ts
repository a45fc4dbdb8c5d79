// The objects the controller tests create, and the waits they share.
import { refs } from "../../../src/kube";
import { type Client, condition, type Obj } from "./harness";

export const template = (name: string, spec: Obj = {}) => ({
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxTemplate",
  metadata: { name },
  spec: {
    podTemplate: {
      metadata: { labels: { tier: "sandbox" } },
      spec: { containers: [{ name: "main", image: "runtime:1", ports: [{ containerPort: 8888 }] }] },
    },
    service: true,
    ...spec,
  },
});

export const pool = (name: string, templateName: string, replicas: number, strategy?: string) => ({
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxWarmPool",
  metadata: { name },
  spec: {
    replicas,
    sandboxTemplateRef: { name: templateName },
    ...(strategy ? { updateStrategy: { type: strategy } } : {}),
  },
});

export const claim = (name: string, poolName: string, spec: Obj = {}) => ({
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxClaim",
  metadata: { name },
  spec: { warmPoolRef: { name: poolName }, ...spec },
});

/** The Sandboxes the pool owns now. */
export const members = async (client: Client, poolName: string) =>
  (await client.list(refs.sandbox)).filter((s) =>
    s.metadata.ownerReferences?.some((r: Obj) => r.kind === "SandboxWarmPool" && r.name === poolName),
  );

/** Plays the kubelet until the pool reports `n` Ready members. */
export const readyPool = (client: Client, poolName: string, n: number, timeoutMs?: number) =>
  client.until(
    `pool ${poolName} ready`,
    async () => {
      await client.startPods();
      const p = await client.get(refs.sandboxWarmPool, poolName);
      return p?.status?.readyReplicas === n ? p : undefined;
    },
    timeoutMs,
  );

/** Plays the kubelet until the claim is Ready. */
export const readyClaim = (client: Client, name: string, timeoutMs?: number) =>
  client.until(
    `claim ${name} Ready`,
    async () => {
      await client.startPods();
      const c = await client.get(refs.sandboxClaim, name);
      return condition(c, "Ready")?.status === "True" ? c : undefined;
    },
    timeoutMs,
  );
