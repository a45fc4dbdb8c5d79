// The controller's RBAC is least privilege, checked against a recorded run: the controller talks to the
// embedded API server through a recording proxy while a scenario drives every kind of write it makes
// (warm pools, warm and cold claims, expiry, PVCs, suspend, Service removal, NetworkPolicy create, update
// and delete, leader election). Every request it made must be allowed by the chart's ClusterRole/Role, and
// every (group, resource, verb) they grant must have been used.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Effect, Fiber, ManagedRuntime } from "effect";
import { parse } from "yaml";
import { LABEL_SANDBOX_NAME_HASH, nameHash } from "../../../src/api";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { controllerRef } from "../../../src/controller/common/meta";
import { defaultControllerConfig } from "../../../src/controller/config";
import { runController } from "../../../src/controller/manager";
import { WEBHOOK_CERT_SECRET } from "../../../src/controller/webhook/shared-cert";
import { startWebhook } from "../../../src/controller/webhook/start";
import { KubeClient, type KubeObject, type ResourceRef, refs } from "../../../src/kube";
import {
  grantedTriples,
  grantKey,
  type PolicyRule,
  type RequestAttributes,
  rulesAllow,
} from "../../unit/deploy/rbac";
import { type RecordingProxy, startRecordingProxy } from "./recording-proxy";
import { find, renderChart } from "./render";

// biome-ignore lint/suspicious/noExplicitAny: the scenario reads arbitrary fields of API objects
type Obj = Record<string, any>;

const CONTROLLER_NAMESPACE = "agent-sandbox-system";
const NS = "default";

const rendered = renderChart({ values: { controller: { enabled: true } } });
const clusterRules = find(rendered, "ClusterRole", "agent-sandbox-controller").rules as PolicyRule[];
const namespacedRules = find(rendered, "Role", "agent-sandbox-controller").rules as PolicyRule[];

const allowed = (request: RequestAttributes) =>
  rulesAllow(clusterRules, request) ||
  (request.namespace === CONTROLLER_NAMESPACE && rulesAllow(namespacedRules, request));

let api: ApiServerHandle;
let proxy: RecordingProxy;
let user: ManagedRuntime.ManagedRuntime<KubeClient, unknown>;

const call = <A>(f: (c: KubeClient["Type"]) => Effect.Effect<A, unknown>) =>
  user.runPromise(KubeClient.pipe(Effect.flatMap(f)));
const get = (ref: ResourceRef, name: string) =>
  user.runPromise(
    KubeClient.pipe(
      Effect.flatMap((c) => c.get(ref, name, { namespace: NS })),
      Effect.map((o) => o as Obj | undefined),
      Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
    ),
  );
const list = (ref: ResourceRef) =>
  call((c) => c.listAll(ref, { namespace: NS })).then((l) => l.items as Obj[]);
const create = (ref: ResourceRef, object: Obj) =>
  call((c) => c.create(ref, { ...object, metadata: { namespace: NS, ...object.metadata } } as KubeObject));
const patch = (ref: ResourceRef, name: string, body: Obj) =>
  call((c) => c.patch(ref, name, { type: "merge", body }, { namespace: NS }));

/** Plays the kubelet: pending pods become Running and Ready with an IP. */
let nextIp = 1;
const startPods = async () => {
  for (const pod of await list(refs.pod)) {
    if ((pod.status?.phase ?? "Pending") !== "Pending" || pod.metadata.deletionTimestamp) continue;
    const ip = `10.1.0.${nextIp++}`;
    await user.runPromise(
      KubeClient.pipe(
        Effect.flatMap((c) =>
          c.patchStatus(
            refs.pod,
            pod.metadata.name,
            {
              type: "merge",
              body: {
                status: {
                  phase: "Running",
                  podIP: ip,
                  podIPs: [{ ip }],
                  conditions: [{ type: "Ready", status: "True" }],
                },
              },
            },
            { namespace: NS },
          ),
        ),
        Effect.catchTag("NotFound", () => Effect.void),
      ),
    );
  }
};

const until = async <A>(
  what: string,
  check: () => Promise<A | undefined>,
  timeoutMs = 30_000,
): Promise<A> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await startPods();
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const claims = (await list(refs.sandboxClaim)).map((c) => ({
        name: c.metadata.name,
        status: c.status,
      }));
      throw new Error(`timed out waiting for ${what}; claims: ${JSON.stringify(claims)}`);
    }
    await Bun.sleep(50);
  }
};
const gone = (ref: ResourceRef, name: string) => async () =>
  (await get(ref, name)) === undefined ? true : undefined;
const readyCondition = (o: Obj | undefined) =>
  o?.status?.conditions?.find((c: Obj) => c.type === "Ready")?.status === "True" ? o : undefined;

const podTemplate = {
  spec: { containers: [{ name: "main", image: "runtime:1", ports: [{ containerPort: 8888 }] }] },
};
const EXT = "extensions.agents.x-k8s.io/v1beta1";

beforeAll(async () => {
  api = await startApiServer({ port: 0 });
  const connection = { url: api.url, token: api.token, ...(api.caData ? { caData: api.caData } : {}) };
  user = ManagedRuntime.make(KubeClient.layer(connection));
  const crdDir = join(import.meta.dir, "../../../crds");
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith(".yaml"))) {
    const crd = parse(readFileSync(join(crdDir, file), "utf8")) as KubeObject;
    await call((c) => c.create(refs.customResourceDefinition, crd));
  }
  proxy = startRecordingProxy(api.url, api.caData ? { ca: api.caData } : undefined);
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await user?.dispose();
  await api?.stop();
}, 30_000);

/**
 * Grants no recorded run can show: the OwnerReferencesPermissionEnforcement admission plugin (not in the
 * embedded API server) wants update on an owner's finalizers to set blockOwnerDeletion, which every
 * controller-made owner reference does (checked below, so the grant goes when the reason does).
 */
const ADMISSION_ONLY = [
  grantKey("agents.x-k8s.io", "sandboxes/finalizers", "update"),
  grantKey("extensions.agents.x-k8s.io", "sandboxclaims/finalizers", "update"),
  grantKey("extensions.agents.x-k8s.io", "sandboxtemplates/finalizers", "update"),
  grantKey("extensions.agents.x-k8s.io", "sandboxwarmpools/finalizers", "update"),
];

describe("controller RBAC against a recorded run", () => {
  test("the finalizers grants are needed: controller owner references block owner deletion", () => {
    const ref = controllerRef({
      apiVersion: "agents.x-k8s.io/v1beta1",
      kind: "Sandbox",
      metadata: { name: "s" },
    });
    expect(ref.blockOwnerDeletion).toBe(true);
  });

  test("every request is granted and every grant is used", async () => {
    const controllerRuntime = ManagedRuntime.make(KubeClient.layer({ url: proxy.url, token: api.token }));
    const ready = Promise.withResolvers<void>();
    const controller = controllerRuntime.runFork(
      Effect.scoped(
        runController({
          config: { ...defaultControllerConfig, routerNamespace: CONTROLLER_NAMESPACE },
          extensions: true,
          leaderElection: { namespace: CONTROLLER_NAMESPACE, identity: "rbac-test" },
          onReady: () => ready.resolve(),
        }),
      ),
    );
    try {
      await Promise.race([
        ready.promise,
        Bun.sleep(30_000).then(() => Promise.reject(new Error("controller caches did not sync within 30 s"))),
      ]);

      // Template and warm pool: NetworkPolicy create, template label patch, pool creates warm sandboxes.
      await create(refs.sandboxTemplate, {
        apiVersion: EXT,
        kind: "SandboxTemplate",
        metadata: { name: "tpl" },
        spec: { podTemplate, service: true, envVarsInjectionPolicy: "Overrides" },
      });
      await create(refs.sandboxWarmPool, {
        apiVersion: EXT,
        kind: "SandboxWarmPool",
        metadata: { name: "pool" },
        spec: { replicas: 1, sandboxTemplateRef: { name: "tpl" } },
      });
      await until("pool ready", async () => {
        const p = await get(refs.sandboxWarmPool, "pool");
        return p?.status?.readyReplicas === 1 ? p : undefined;
      });

      // A warm claim (adoption), a cold claim (env forces it), and a claim that expires with Delete.
      const claim = (name: string, spec: Obj = {}) =>
        create(refs.sandboxClaim, {
          apiVersion: EXT,
          kind: "SandboxClaim",
          metadata: { name },
          spec: { warmPoolRef: { name: "pool" }, ...spec },
        });
      await claim("warm");
      await claim("cold", { env: [{ name: "MODE", value: "cold" }] });
      await claim("brief", {
        lifecycle: { shutdownTime: new Date(Date.now() + 2000).toISOString(), shutdownPolicy: "Delete" },
      });
      for (const name of ["warm", "cold"]) {
        await until(`claim ${name} Ready`, async () => readyCondition(await get(refs.sandboxClaim, name)));
      }
      await until("expired claim deleted", gone(refs.sandboxClaim, "brief"));

      // A sandbox with a PVC and a Service: suspend deletes its pod, service: false its Service.
      await create(refs.sandbox, {
        apiVersion: "agents.x-k8s.io/v1beta1",
        kind: "Sandbox",
        metadata: { name: "box" },
        spec: {
          podTemplate,
          service: true,
          volumeClaimTemplates: [
            {
              metadata: { name: "data" },
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            },
          ],
        },
      });
      await until("box Ready", async () => readyCondition(await get(refs.sandbox, "box")));
      await until("box Service", () => get(refs.service, "box"));
      // Drift on the Service's selector is patched back.
      await patch(refs.service, "box", { spec: { selector: { [LABEL_SANDBOX_NAME_HASH]: "drifted" } } });
      await until("box Service selector restored", async () => {
        const svc = await get(refs.service, "box");
        return svc?.spec?.selector?.[LABEL_SANDBOX_NAME_HASH] === nameHash("box") ? svc : undefined;
      });
      await patch(refs.sandbox, "box", { spec: { operatingMode: "Suspended", service: false } });
      await until("box pod deleted", gone(refs.pod, "box"));
      await until("box Service deleted", gone(refs.service, "box"));

      // A sandbox that expires with Delete.
      await create(refs.sandbox, {
        apiVersion: "agents.x-k8s.io/v1beta1",
        kind: "Sandbox",
        metadata: { name: "short" },
        spec: {
          podTemplate,
          shutdownTime: new Date(Date.now() + 1500).toISOString(),
          shutdownPolicy: "Delete",
        },
      });
      await until("expired sandbox deleted", gone(refs.sandbox, "short"));

      // NetworkPolicy update (custom rules), then delete (Unmanaged); the pool shrinks to zero.
      const npName = "tpl-network-policy";
      await until("NetworkPolicy", () => get(refs.networkPolicy, npName));
      await patch(refs.sandboxTemplate, "tpl", { spec: { networkPolicy: { ingress: [{}], egress: [] } } });
      await until("NetworkPolicy updated", async () => {
        const np = await get(refs.networkPolicy, npName);
        return np?.spec?.ingress?.length === 1 && (np.spec.ingress[0].from ?? []).length === 0
          ? np
          : undefined;
      });
      await patch(refs.sandboxTemplate, "tpl", { spec: { networkPolicyManagement: "Unmanaged" } });
      await until("NetworkPolicy deleted", gone(refs.networkPolicy, npName));
      await patch(refs.sandboxWarmPool, "pool", { spec: { replicas: 0 } });
      await until("pool empty", async () => {
        const p = await get(refs.sandboxWarmPool, "pool");
        return p?.status?.replicas === 0 ? p : undefined;
      });

      // A repeated event (a template whose NetworkPolicy name is taken warns on every reconcile) is
      // counted on the existing Event, a patch.
      await create(refs.networkPolicy, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "taken-network-policy" },
        spec: { podSelector: {} },
      });
      await create(refs.sandboxTemplate, {
        apiVersion: EXT,
        kind: "SandboxTemplate",
        metadata: { name: "taken" },
        spec: { podTemplate },
      });
      const notOwnedCount = async () =>
        (await list(refs.event)).find((e) => e.reason === "NetworkPolicyNotOwned")?.count as
          | number
          | undefined;
      await until("a NetworkPolicyNotOwned event", notOwnedCount);
      await patch(refs.sandboxTemplate, "taken", { metadata: { annotations: { touched: "yes" } } });
      await until("the event counted twice", async () => ((await notOwnedCount()) ?? 0) >= 2 || undefined);

      // --manage-webhook-certs: what main.ts does before the controller starts. Twice: the first replica
      // creates the shared certificate Secret; the second finds it emptied (pre-created by an installer)
      // and fills it in.
      const webhook = startWebhook({
        port: 0,
        certDir: join(import.meta.dir, "no-such-cert-dir"),
        certName: "tls.crt",
        keyName: "tls.key",
        serviceName: "agent-sandbox-webhook-service",
        namespace: CONTROLLER_NAMESPACE,
        manageCerts: true,
      });
      await controllerRuntime.runPromise(Effect.scoped(webhook));
      const secretRef = { namespace: CONTROLLER_NAMESPACE };
      const secret = (await call((c) => c.get(refs.secret, WEBHOOK_CERT_SECRET, secretRef))) as Obj;
      await call((c) => c.replace(refs.secret, { ...secret, data: {} }, secretRef));
      await controllerRuntime.runPromise(Effect.scoped(webhook));
      const filled = (await call((c) => c.get(refs.secret, WEBHOOK_CERT_SECRET, secretRef))) as Obj;
      const crd = await call((c) => c.get(refs.customResourceDefinition, "sandboxes.agents.x-k8s.io"));
      expect((crd as Obj).spec.conversion.webhook.clientConfig.caBundle).toBe(filled.data["tls.crt"]);
    } finally {
      // Stopping releases the lease, which is a write too.
      await controllerRuntime.runPromise(Fiber.interrupt(controller));
      await controllerRuntime.dispose();
    }

    const denied = proxy.requests.filter((r) => !allowed(r));
    expect(
      [
        ...new Set(
          denied.map((r) => `${r.verb} ${r.group}/${r.resource}${r.namespace ? ` in ${r.namespace}` : ""}`),
        ),
      ],
      "requests the controller made that its role does not grant",
    ).toEqual([]);

    const used = new Set([...proxy.triples(), ...ADMISSION_ONLY]);
    const granted = new Set([...grantedTriples(clusterRules), ...grantedTriples(namespacedRules)]);
    expect(
      [...granted].filter((t) => !used.has(t)).sort(),
      "grants the controller never used (group|resource|verb)",
    ).toEqual([]);
    expect(used.has(grantKey("coordination.k8s.io", "leases", "create"))).toBe(true);
  }, 150_000);
});
