// Claim -> Ready latency (warm and cold) and burst throughput on the embedded API server, with the controller
// in-process and this script playing the kubelet and the users (see harness.ts).
// `npm run bench:claims`; results in bench/results/controller.json; the last line is the summary.
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Effect, Fiber, Stream } from "effect";
import { type KubeClient, type KubeObject, makeInformer, refs } from "../../src/kube";
import { isReady, type Obj, startControllerHarness } from "./harness";

const WARM = Number(process.env.BENCH_WARM_CLAIMS ?? 100);
const COLD = Number(process.env.BENCH_COLD_CLAIMS ?? 30);
const BURST = Number(process.env.BENCH_BURST_CLAIMS ?? 300);
/** Upstream's --sandbox-warm-pool-replenish-delay for the controller under test (default 0, as upstream). */
const REPLENISH_DELAY_MS = Number(process.env.BENCH_REPLENISH_DELAY_MS ?? 0);
const NS = "default";

const harness = await startControllerHarness({
  namespace: NS,
  config: { warmPoolReplenishDelayMs: REPLENISH_DELAY_MS },
});
const run = <A>(e: Effect.Effect<A, unknown, KubeClient>) => harness.users.runPromise(e);
const client = harness.client;

// Waiters for claims becoming Ready: the users' side, over HTTP.
const waiting = new Map<string, (at: number) => void>();
const claimWatcher = harness.users.runFork(
  Effect.scoped(
    Effect.gen(function* () {
      const claims = yield* makeInformer(refs.sandboxClaim, { namespace: NS });
      return yield* claims.stream.pipe(
        Stream.runForEach((e) =>
          Effect.sync(() => {
            if (e._tag === "Synced" || e._tag === "Deleted" || !isReady(e.object as Obj)) return;
            const name = e.object.metadata?.name ?? "";
            waiting.get(name)?.(performance.now());
            waiting.delete(name);
          }),
        ),
      );
    }),
  ),
);

const create = (ref: typeof refs.sandboxClaim, body: Obj) =>
  run(client.create(ref, { metadata: { namespace: NS }, ...body } as KubeObject));
const template = (name: string) =>
  create(refs.sandboxTemplate, {
    apiVersion: "extensions.agents.x-k8s.io/v1beta1",
    kind: "SandboxTemplate",
    metadata: { name, namespace: NS },
    spec: {
      podTemplate: {
        spec: { containers: [{ name: "main", image: "runtime", ports: [{ containerPort: 8888 }] }] },
      },
    },
  });
const pool = (name: string, replicas: number) =>
  create(refs.sandboxWarmPool, {
    apiVersion: "extensions.agents.x-k8s.io/v1beta1",
    kind: "SandboxWarmPool",
    metadata: { name, namespace: NS },
    spec: { replicas, sandboxTemplateRef: { name: "bench-tpl" } },
  });
/** Waits for the pool to report `n` Ready members, in a status written after version `after` if given. */
const poolReady = async (name: string, n: number, after?: string) => {
  for (;;) {
    const p = (await run(client.get(refs.sandboxWarmPool, name, { namespace: NS }))) as Obj;
    if (p.status?.readyReplicas >= n && p.metadata.resourceVersion !== after) return;
    await Bun.sleep(20);
  }
};
const poolVersion = async (name: string) =>
  ((await run(client.get(refs.sandboxWarmPool, name, { namespace: NS }))) as Obj).metadata.resourceVersion;
let seq = 0;
/** Creates a claim and resolves with its claim -> Ready latency in ms. */
const claim = async (poolName: string): Promise<number> => {
  const name = `bench-${++seq}`;
  const done = new Promise<number>((resolve) => waiting.set(name, resolve));
  const start = performance.now();
  await create(refs.sandboxClaim, {
    apiVersion: "extensions.agents.x-k8s.io/v1beta1",
    kind: "SandboxClaim",
    metadata: { name, namespace: NS },
    spec: { warmPoolRef: { name: poolName } },
  });
  return (await done) - start;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

await template("bench-tpl");
await pool("warm", WARM + 10);
await pool("cold", 0);
await poolReady("warm", WARM + 10);

const warm: number[] = [];
for (let i = 0; i < WARM; i++) warm.push(await claim("warm"));
const cold: number[] = [];
for (let i = 0; i < COLD; i++) cold.push(await claim("cold"));

// Filled only now: a 300-member fill running under the warm and cold claims would measure the fill, not them.
await pool("burst", BURST);
await poolReady("burst", BURST);
/** Every committed write takes one resourceVersion: the difference counts API writes (refill included). */
const resourceVersion = async () =>
  Number(((await run(client.list(refs.namespace, { limit: 1 }))) as Obj).metadata.resourceVersion);
const rvBefore = await resourceVersion();
// The drained pool's status is rewritten (fewer Ready members) before it can read full again.
const fullPool = await poolVersion("burst");
const cpuBefore = process.cpuUsage();
const burstStart = performance.now();
await Promise.all(Array.from({ length: BURST }, () => claim("burst")));
const burstSeconds = (performance.now() - burstStart) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const burstWrites = (await resourceVersion()) - rvBefore;
// The same work settled: until the drained pool is full and Ready again, so every claim's refill (member,
// pod, statuses) is counted whole. Less noisy than the window above, which cuts the refill off anywhere.
if (BURST > 0) await poolReady("burst", BURST, fullPool);
const settledCpu = process.cpuUsage(cpuBefore);
const settledWrites = (await resourceVersion()) - rvBefore;
const perClaim = (x: number) => Math.round((x / BURST) * 10) / 10;

const result = {
  claims: WARM + COLD + BURST,
  warm_p50_ms: Math.round(pct(warm, 50) * 10) / 10,
  warm_p99_ms: Math.round(pct(warm, 99) * 10) / 10,
  cold_p50_ms: Math.round(pct(cold, 50) * 10) / 10,
  cold_p99_ms: Math.round(pct(cold, 99) * 10) / 10,
  burst_claims: BURST,
  burst_claims_per_s: Math.round(BURST / burstSeconds),
  // The whole process (API server, controller and this script's kubelet and clients share it).
  burst_cpu_ms_per_claim: perClaim((cpu.user + cpu.system) / 1000),
  burst_api_writes_per_claim: perClaim(burstWrites),
  settled_cpu_ms_per_claim: perClaim((settledCpu.user + settledCpu.system) / 1000),
  settled_api_writes_per_claim: perClaim(settledWrites),
  load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
  replenish_delay_ms: REPLENISH_DELAY_MS,
  date: new Date().toISOString(),
};
mkdirSync(join(import.meta.dir, "../results"), { recursive: true });
writeFileSync(join(import.meta.dir, "../results/controller.json"), `${JSON.stringify(result, null, 2)}\n`);

await run(Fiber.interrupt(claimWatcher));
await harness.stop();
console.log(
  `claims=${result.claims} warm_p50_ms=${result.warm_p50_ms} warm_p99_ms=${result.warm_p99_ms} cold_p50_ms=${result.cold_p50_ms} burst_claims_per_s=${result.burst_claims_per_s}`,
);
