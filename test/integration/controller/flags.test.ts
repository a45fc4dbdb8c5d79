// Upstream flags the controller acts on beyond the basics: refill shaping (replenish delay, refill rate) and
// informer scoping (cache label selectors), each against the embedded API server over HTTP.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { Effect } from "effect";
import { makeInformers, waitForSync } from "../../../src/controller/caches";
import { refs } from "../../../src/kube";
import { claim, members, pool, readyClaim, readyPool, template } from "./fixtures";
import { type Env, type Obj, startEnv } from "./harness";

setDefaultTimeout(60_000);

let env: Env | undefined;
const started = async (config: Parameters<typeof startEnv>[0] = {}): Promise<Env> => {
  env = await startEnv(config);
  return env;
};
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

test("--sandbox-warm-pool-replenish-delay: after members are adopted the pool holds its refill", async () => {
  const e = await started({ warmPoolReplenishDelayMs: 10 * 60_000 });
  await e.create(refs.sandboxTemplate, template("tpl"));
  await e.create(refs.sandboxWarmPool, pool("pool", "tpl", 2));
  // A new pool fills at once: the hold only follows members dropping out.
  await readyPool(e, "pool", 2);
  await e.create(refs.sandboxClaim, claim("claim", "pool"));
  await readyClaim(e, "claim");
  // Scaling up wakes the pool: the pass that reports the new generation would create 2 members if unheld.
  const scaled = await e.patch(refs.sandboxWarmPool, "pool", { spec: { replicas: 3 } });
  await e.until("pool observed the scale-up", async () => {
    const p = await e.get(refs.sandboxWarmPool, "pool");
    return p?.status?.observedGeneration === scaled.metadata.generation && p?.status?.replicas === 1
      ? true
      : undefined;
  });
  expect((await members(e, "pool")).length).toBe(1);
});

test("--sandbox-warm-pool-max-refill-rate: creates are paced per pool, at most one second's worth at once", async () => {
  const e = await started({ warmPoolMaxRefillRate: 1 });
  await e.create(refs.sandboxTemplate, template("tpl"));
  await e.create(refs.sandboxWarmPool, pool("pool", "tpl", 5));
  const all = await e.until("five members", async () => {
    const ms = await members(e, "pool");
    return ms.length === 5 ? ms : undefined;
  });
  // One token at start, then one per second: the fifth create is at least 4 s after the first (timestamps
  // have whole seconds, hence 3). Unpaced, all five go out in one batch.
  const times = all.map((s) => Date.parse(s.metadata.creationTimestamp)).sort((a, b) => a - b);
  expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(3000);
});

test("--cache-label-selectors: the Pod and Service caches hold only objects with the tracking label", async () => {
  const e = await started();
  const pod = (name: string, labels: Obj) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { containers: [{ name: "c", image: "x" }] },
  });
  const service = (name: string, labels: Obj) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels },
    spec: { clusterIP: "None" },
  });
  const tracked = { "agents.x-k8s.io/sandbox-name-hash": "abc12345" };
  await e.create(refs.pod, pod("tracked", tracked));
  await e.create(refs.pod, pod("other", { app: "web" }));
  await e.create(refs.service, service("tracked", tracked));
  await e.create(refs.service, service("other", {}));
  const names = (trackedOnly: boolean) =>
    e.run(
      Effect.scoped(
        Effect.gen(function* () {
          const informers = yield* makeInformers({ namespace: "default", trackedOnly });
          yield* waitForSync(informers);
          return {
            pods: informers.Pod.list("default").map((o) => o.metadata?.name),
            services: informers.Service.list("default").map((o) => o.metadata?.name),
            templates: informers.SandboxTemplate.list("default").length,
          };
        }),
      ),
    );
  const scoped = await names(true);
  expect(scoped.pods).toEqual(["tracked"]);
  expect(scoped.services).toEqual(["tracked"]);
  const all = await names(false);
  expect(all.pods.sort()).toEqual(["other", "tracked"]);
  expect(all.services).toContain("other");
});
