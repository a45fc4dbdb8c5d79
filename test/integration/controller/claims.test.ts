import { expect, test } from "bun:test";
import { Effect } from "effect";
import { applyPlan } from "../../../src/controller/apply";
import { KubeClient, makeEventRecorder, refs } from "../../../src/kube";
import { claim, members, pool, readyClaim, readyPool, template } from "./fixtures";
import { condition, envForSuite } from "./harness";

const env = envForSuite({ routerNamespace: "agent-sandbox-system", dnsNameservers: ["10.0.0.10"] });

test("the template gets its label and the secure-default NetworkPolicy", async () => {
  await env().create(refs.sandboxTemplate, template("np-tpl"));
  const np = await env().until("network policy", () =>
    env().get(refs.networkPolicy, "np-tpl-network-policy"),
  );
  expect(np.spec.policyTypes).toEqual(["Ingress", "Egress"]);
  expect(np.spec.ingress[0].from[0]).toEqual({
    podSelector: { matchLabels: { app: "sandbox-router" } },
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "agent-sandbox-system" } },
  });
  expect(np.spec.egress[0].to[0].ipBlock.except).toContain("10.0.0.0/8");
  const t = await env().until("label", async () => {
    const t = await env().get(refs.sandboxTemplate, "np-tpl");
    return t?.metadata.labels?.["agents.x-k8s.io/sandbox-template-ref-hash"] ? t : undefined;
  });
  expect(np.spec.podSelector.matchLabels["agents.x-k8s.io/sandbox-template-ref-hash"]).toBe(
    t.metadata.labels["agents.x-k8s.io/sandbox-template-ref-hash"],
  );
  await env().patch(refs.sandboxTemplate, "np-tpl", { spec: { networkPolicyManagement: "Unmanaged" } });
  await env().until("np deleted", async () =>
    (await env().get(refs.networkPolicy, "np-tpl-network-policy")) === undefined ? true : undefined,
  );
}, 30_000);

test("a claim adopts a warm sandbox, the pool refills, and the claim mirrors Ready and pod IPs", async () => {
  const skippedBefore = env().metrics.ownEchoesSkipped;
  await env().create(refs.sandboxTemplate, template("warm-tpl"));
  await env().create(refs.sandboxWarmPool, pool("warm", "warm-tpl", 2));
  await readyPool(env(), "warm", 2);
  const before = (await members(env(), "warm")).map((s) => s.metadata.name);
  const member = (await members(env(), "warm"))[0]!;
  expect(member.spec.podTemplate.spec.automountServiceAccountToken).toBe(false);
  expect(member.spec.podTemplate.spec.dnsConfig.nameservers).toEqual(["10.0.0.10"]);
  await env().create(refs.sandboxClaim, claim("warm-claim", "warm"));
  const c = await readyClaim(env(), "warm-claim");
  expect(before).toContain(c.status.sandbox.name);
  const s = await env().get(refs.sandbox, c.status.sandbox.name);
  expect(s?.metadata.labels["agents.x-k8s.io/launch-type"]).toBe("warm");
  expect(s?.metadata.labels["agents.x-k8s.io/warm-pool-sandbox"]).toBeUndefined();
  expect(s?.metadata.ownerReferences).toEqual([
    expect.objectContaining({ kind: "SandboxClaim", name: "warm-claim", controller: true }),
  ]);
  expect(c.status.sandbox.podIPs).toEqual(s?.status.podIPs);
  expect(await env().get(refs.service, c.status.sandbox.name)).toBeDefined();
  await readyPool(env(), "warm", 2);
  expect((await members(env(), "warm")).map((m) => m.metadata.name)).not.toContain(c.status.sandbox.name);
  // The echoes of the controller's own status patches brought keys back that needed no pass.
  expect(env().metrics.ownEchoesSkipped).toBeGreaterThan(skippedBefore);
}, 30_000);

test("a claim with env starts cold under the template's injection policy", async () => {
  await env().create(refs.sandboxTemplate, template("cold-tpl", { envVarsInjectionPolicy: "Overrides" }));
  await env().create(refs.sandboxWarmPool, pool("cold", "cold-tpl", 0));
  await env().create(
    refs.sandboxClaim,
    claim("cold-claim", "cold", { env: [{ name: "TOKEN", value: "t" }] }),
  );
  const c = await readyClaim(env(), "cold-claim");
  expect(c.status.sandbox.name).toBe("cold-claim");
  const s = await env().get(refs.sandbox, "cold-claim");
  expect(s?.metadata.labels["agents.x-k8s.io/launch-type"]).toBe("cold");
  expect(s?.spec.podTemplate.spec.containers[0].env).toEqual([{ name: "TOKEN", value: "t" }]);
}, 30_000);

test("claims fail fast with the SDK's terminal reasons", async () => {
  await env().create(refs.sandboxTemplate, template("strict-tpl"));
  await env().create(refs.sandboxWarmPool, pool("strict", "strict-tpl", 0));
  await env().create(refs.sandboxClaim, claim("bad-env", "strict", { env: [{ name: "X", value: "1" }] }));
  await env().create(
    refs.sandboxClaim,
    claim("bad-meta", "strict", { additionalPodMetadata: { labels: { "example.com/x": "y" } } }),
  );
  await env().create(refs.sandboxClaim, claim("no-pool", "missing"));
  const reason = (name: string) =>
    env().until(
      `${name} reason`,
      async () => condition(await env().get(refs.sandboxClaim, name), "Ready")?.reason,
    );
  expect(await reason("bad-env")).toBe("EnvVarsInjectionRejected");
  expect(await reason("bad-meta")).toBe("InvalidMetadata");
  expect(await reason("no-pool")).toBe("WarmPoolNotFound");
}, 30_000);

test("parallel claims: a sufficient pool serves all warm, an insufficient one falls back to cold", async () => {
  await env().create(refs.sandboxTemplate, template("par-tpl"));
  await env().create(refs.sandboxWarmPool, pool("par", "par-tpl", 3));
  await readyPool(env(), "par", 3);
  const warm = (await members(env(), "par")).map((s) => s.metadata.name);
  const names = Array.from({ length: 5 }, (_, i) => `par-${i}`);
  await Promise.all(names.map((n) => env().create(refs.sandboxClaim, claim(n, "par"))));
  const claims = await Promise.all(names.map((n) => readyClaim(env(), n)));
  const bound = claims.map((c) => c.status.sandbox.name);
  expect(new Set(bound).size).toBe(5);
  expect(bound.filter((n) => warm.includes(n)).length).toBe(3);
  expect(bound.filter((n) => names.includes(n)).length).toBe(2);
}, 40_000);

test("after a burst of warm claims, each adopted Sandbox's pod and status catch up with its claim", async () => {
  // The claims are Ready first; the adopted Sandboxes' bookkeeping (the pod leaves the pool: its pool label
  // and its safe-to-evict annotation go; the Sandbox's Ready condition records the adoption's generation)
  // may wait for them (claims first), but never for good.
  await env().create(refs.sandboxTemplate, template("burst-tpl"));
  await env().create(refs.sandboxWarmPool, pool("burst", "burst-tpl", 6));
  await readyPool(env(), "burst", 6);
  const names = Array.from({ length: 6 }, (_, i) => `burst-${i}`);
  await Promise.all(names.map((n) => env().create(refs.sandboxClaim, claim(n, "burst"))));
  for (const name of names) {
    const c = await readyClaim(env(), name);
    await env().until(`${name}: pod labels and Sandbox status caught up`, async () => {
      const s = await env().get(refs.sandbox, c.status.sandbox.name);
      const pod = await env().get(refs.pod, c.status.sandbox.name);
      return pod !== undefined &&
        pod.metadata.labels["agents.x-k8s.io/warm-pool-sandbox"] === undefined &&
        pod.metadata.annotations?.["cluster-autoscaler.kubernetes.io/safe-to-evict"] === undefined &&
        condition(s, "Ready")?.observedGeneration === s?.metadata.generation
        ? true
        : undefined;
    });
  }
}, 40_000);

test("Recreate replaces stale members when the template changes; claimed sandboxes stay", async () => {
  await env().create(refs.sandboxTemplate, template("roll-tpl"));
  await env().create(refs.sandboxWarmPool, pool("roll", "roll-tpl", 2, "Recreate"));
  await readyPool(env(), "roll", 2);
  await env().create(refs.sandboxClaim, claim("roll-claim", "roll"));
  const c = await readyClaim(env(), "roll-claim");
  const t = (await env().get(refs.sandboxTemplate, "roll-tpl"))!;
  const containers = [{ ...t.spec.podTemplate.spec.containers[0], image: "runtime:2" }];
  await env().patch(refs.sandboxTemplate, "roll-tpl", { spec: { podTemplate: { spec: { containers } } } });
  await env().until("rolled", async () => {
    await env().startPods();
    const ms = await members(env(), "roll");
    const ok =
      ms.length === 2 && ms.every((m) => m.spec.podTemplate.spec.containers[0].image === "runtime:2");
    return ok ? true : undefined;
  });
  const claimed = await env().get(refs.sandbox, c.status.sandbox.name);
  expect(claimed?.spec.podTemplate.spec.containers[0].image).toBe("runtime:1");
}, 40_000);

test("a claim whose pod finished stops reporting the pod's IPs", async () => {
  await env().create(refs.sandboxTemplate, template("done-tpl"));
  await env().create(refs.sandboxWarmPool, pool("done", "done-tpl", 1));
  await readyPool(env(), "done", 1);
  await env().create(refs.sandboxClaim, claim("done-claim", "done"));
  const c = await readyClaim(env(), "done-claim");
  expect(c.status.sandbox.podIPs?.length).toBe(1);
  // The kubelet's report of a pod that ran to completion: no IPs any more.
  await env().run(
    KubeClient.pipe(
      Effect.flatMap((k) =>
        k.patchStatus(
          refs.pod,
          c.status.sandbox.name,
          {
            type: "merge",
            body: {
              status: {
                phase: "Succeeded",
                podIP: null,
                podIPs: null,
                conditions: [{ type: "Ready", status: "False", reason: "PodCompleted" }],
              },
            },
          },
          { namespace: "default" },
        ),
      ),
    ),
  );
  const finished = await env().until("the claim to drop the pod's IPs", async () => {
    const now = await env().get(refs.sandboxClaim, "done-claim");
    return condition(now, "Finished")?.status === "True" && now?.status.sandbox.podIPs === undefined
      ? now
      : undefined;
  });
  expect(finished.status.sandbox.name).toBe(c.status.sandbox.name);
}, 30_000);

test("claim expiry: Delete removes claim and sandbox, Retain keeps the claim without sandbox", async () => {
  await env().create(refs.sandboxTemplate, template("exp-tpl"));
  await env().create(refs.sandboxWarmPool, pool("exp", "exp-tpl", 0));
  const soon = () => new Date(Date.now() + 2000).toISOString();
  await env().create(
    refs.sandboxClaim,
    claim("exp-delete", "exp", { lifecycle: { shutdownTime: soon(), shutdownPolicy: "Delete" } }),
  );
  await env().create(
    refs.sandboxClaim,
    claim("exp-retain", "exp", { lifecycle: { shutdownTime: soon(), shutdownPolicy: "Retain" } }),
  );
  await readyClaim(env(), "exp-delete");
  await readyClaim(env(), "exp-retain");
  await env().until("claim deleted", async () =>
    (await env().get(refs.sandboxClaim, "exp-delete")) === undefined ? true : undefined,
  );
  await env().until("retained claim expired, sandbox gone", async () => {
    const c = await env().get(refs.sandboxClaim, "exp-retain");
    return condition(c, "Ready")?.reason === "ClaimExpired" &&
      (await env().get(refs.sandbox, "exp-retain")) === undefined
      ? true
      : undefined;
  });
}, 40_000);

test("a v1alpha1 claim with sandboxTemplateRef and a v1beta1 claim with warmPoolRef both reach Ready", async () => {
  await env().create(refs.sandboxTemplate, template("gen-tpl"));
  await env().create(refs.sandboxWarmPool, pool("gen-pool", "gen-tpl", 1));
  await env().create(refs.sandboxWarmPool, pool("shadow-pool-gen-tpl", "gen-tpl", 0));
  await env().create(refs.v1alpha1.sandboxClaim, {
    apiVersion: "extensions.agents.x-k8s.io/v1alpha1",
    kind: "SandboxClaim",
    metadata: { name: "old-style" },
    spec: { sandboxTemplateRef: { name: "gen-tpl" } },
  });
  await env().create(refs.sandboxClaim, claim("new-style", "gen-pool"));
  await readyClaim(env(), "new-style");
  await readyClaim(env(), "old-style");
  const old = await env().get(refs.v1alpha1.sandboxClaim, "old-style");
  expect(condition(old, "Ready")?.status).toBe("True");
}, 40_000);

test("a RequireLive guard stops a plan quietly once its object is gone, and lets it run while it lives", async () => {
  await env().create(refs.sandboxTemplate, template("guard-tpl"));
  await env().create(refs.sandboxWarmPool, pool("guard", "guard-tpl", 0));
  const live = await env().create(refs.sandboxClaim, claim("guard-claim", "guard"));
  const key = { kind: "SandboxClaim" as const, namespace: "default", name: "guard-claim" };
  const headless = (name: string) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default" },
    spec: { clusterIP: "None" },
  });
  const apply = (uid: string, name: string) =>
    env().run(
      Effect.scoped(
        Effect.flatMap(makeEventRecorder({ component: "test" }), (recorder) =>
          applyPlan(
            {
              actions: [
                { _tag: "RequireLive", key, uid },
                { _tag: "Create", kind: "Service", object: headless(name), onAlreadyExists: "fail" },
              ],
            },
            recorder,
            10,
          ),
        ),
      ),
    );
  expect((await apply(live.metadata.uid, "guard-live")).created).toEqual(["guard-live"]);
  expect((await apply("another-uid", "guard-other")).created).toEqual([]);
  await env().remove(refs.sandboxClaim, "guard-claim");
  expect((await apply(live.metadata.uid, "guard-gone")).created).toEqual([]);
  expect(await env().get(refs.service, "guard-other")).toBeUndefined();
  expect(await env().get(refs.service, "guard-gone")).toBeUndefined();
}, 30_000);
