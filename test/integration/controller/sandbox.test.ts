import { expect, test } from "bun:test";
import { refs } from "../../../src/kube";
import { condition, envForSuite } from "./harness";

const env = envForSuite();

const sandbox = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name, namespace: "default" },
  spec: {
    podTemplate: {
      metadata: { labels: { app: "demo" } },
      spec: {
        containers: [{ name: "main", image: "runtime", ports: [{ containerPort: 8888, name: "http" }] }],
      },
    },
    ...spec,
  },
});

test("a simple sandbox gets a pod, a headless Service, and becomes Ready with pod IPs", async () => {
  await env().create(refs.sandbox, sandbox("simple", { service: true }));
  const pod = await env().until("pod", () => env().get(refs.pod, "simple"));
  expect(pod.metadata.labels.app).toBe("demo");
  expect(pod.metadata.ownerReferences[0].kind).toBe("Sandbox");
  await env().startPods();
  const ready = await env().until("Ready", async () => {
    const s = await env().get(refs.sandbox, "simple");
    return condition(s, "Ready")?.status === "True" ? s : undefined;
  });
  expect(ready.status.podIPs.length).toBe(1);
  expect(ready.status.serviceFQDN).toBe("simple.default.svc.cluster.local");
  const svc = await env().get(refs.service, "simple");
  expect(svc?.spec.clusterIP).toBe("None");
  expect(svc?.spec.ports).toEqual([{ name: "http", port: 8888, targetPort: 8888, protocol: "TCP" }]);
}, 30_000);

test("suspend deletes the pod and keeps the PVC; resume brings a new pod", async () => {
  await env().create(
    refs.sandbox,
    sandbox("pausable", {
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
    }),
  );
  await env().until("pvc", () => env().get(refs.persistentVolumeClaim, "data-pausable"));
  const pod = await env().until("pod", () => env().get(refs.pod, "pausable"));
  expect(pod.spec.volumes).toContainEqual({
    name: "data",
    persistentVolumeClaim: { claimName: "data-pausable" },
  });
  await env().startPods();
  await env().patch(refs.sandbox, "pausable", { spec: { operatingMode: "Suspended" } });
  await env().until("suspended", async () => {
    const s = await env().get(refs.sandbox, "pausable");
    return condition(s, "Suspended")?.status === "True" &&
      (await env().get(refs.pod, "pausable")) === undefined
      ? s
      : undefined;
  });
  expect(await env().get(refs.persistentVolumeClaim, "data-pausable")).toBeDefined();
  await env().patch(refs.sandbox, "pausable", { spec: { operatingMode: "Running" } });
  await env().until("pod again", () => env().get(refs.pod, "pausable"));
  await env().startPods();
  await env().until("Ready again", async () => {
    const s = await env().get(refs.sandbox, "pausable");
    return condition(s, "Ready")?.status === "True" ? s : undefined;
  });
}, 30_000);

test("shutdownTime with policy Delete removes the Sandbox", async () => {
  await env().create(
    refs.sandbox,
    sandbox("short", { shutdownTime: new Date(Date.now() + 1500).toISOString(), shutdownPolicy: "Delete" }),
  );
  await env().until("pod", () => env().get(refs.pod, "short"));
  await env().until("deleted", async () =>
    (await env().get(refs.sandbox, "short")) === undefined ? true : undefined,
  );
}, 30_000);

test("shutdownTime with policy Retain keeps the Sandbox, expired, without pod", async () => {
  await env().create(
    refs.sandbox,
    sandbox("kept", { shutdownTime: new Date(Date.now() + 1500).toISOString() }),
  );
  await env().until("pod", () => env().get(refs.pod, "kept"));
  const s = await env().until("expired", async () => {
    const s = await env().get(refs.sandbox, "kept");
    return condition(s, "Ready")?.reason === "SandboxExpired" &&
      (await env().get(refs.pod, "kept")) === undefined
      ? s
      : undefined;
  });
  expect(condition(s, "Ready")?.message).toBe("Sandbox has expired");
}, 30_000);
