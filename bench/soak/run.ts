// npm run soak -- --seconds N [--out file] [--hold-seconds S]
// Local mode (own state dir) under continuous claim churn while the soak mix of bench/profiles.json flows
// through the router. Local mode runs in this process, so memory is reported as this process's RSS (API
// server + controller + node agent + router together) plus the pod processes, sampled after a full GC.
// Ends with one summary line (the interface of issue 9) and writes the details as JSON.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Effect, Exit, Scope } from "effect";
import { startLocal } from "../../src/local/compose";
import profiles from "../profiles.json";
import { type KubeApi, kubeApi, poll, readySandbox } from "./kube";
import { BindingLedger } from "./ledger";
import { descendants, type ProcessId, rssKb, stillAlive } from "./processes";
import { perform, pickOperation, type Target } from "./traffic";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: String(profiles.soak.durationSeconds) },
    out: { type: "string", default: join(import.meta.dir, "../results/soak.json") },
    // A 2-core machine holds a few claims at a time; the profile's sandboxes/vus are used as given.
    "hold-seconds": { type: "string", default: "4" },
    pool: { type: "string", default: "2" },
  },
});
const seconds = Number(values.seconds);
const holdMs = Number(values["hold-seconds"]) * 1000;
const poolSize = Number(values.pool);
const { soak, claimChurn } = profiles;
const namespace = claimChurn.namespace;

interface Sample {
  readonly t: number;
  readonly processKb: number;
  readonly podsKb: number;
  readonly podProcesses: number;
}

interface Slot {
  target: Target | undefined;
  inflight: number;
}

const errors: string[] = [];
let errorCount = 0;
const noteError = (what: string, cause: unknown) => {
  errorCount++;
  if (errors.length < 20) errors.push(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const main = async () => {
  const stateDir = await mkdtemp(join(tmpdir(), "agent-sandbox-soak-"));
  const scope = Effect.runSync(Scope.make());
  const system = await Effect.runPromise(
    Scope.extend(
      startLocal({
        stateDir,
        apiPort: 0,
        routerPort: 0,
        host: "127.0.0.1",
        warmPoolReplicas: poolSize,
        namespace,
        isolation: true,
      }),
      scope,
    ),
  );
  const kube: KubeApi = kubeApi(system.kubeconfigPath, namespace);
  const ledger = new BindingLedger();
  const podProcesses = new Map<string, ProcessId>();
  const samples: Sample[] = [];
  const started = Date.now();
  const endAt = started + seconds * 1000;
  const running = () => Date.now() < endAt;
  let claims = 0;
  let requests = 0;

  const sample = () => {
    Bun.gc(true);
    const pods = descendants();
    for (const p of pods) podProcesses.set(`${p.pid}:${p.startTicks}`, p);
    samples.push({
      t: Math.round((Date.now() - started) / 1000),
      processKb: rssKb(process.pid),
      podsKb: pods.reduce((sum, p) => sum + rssKb(p.pid), 0),
      podProcesses: pods.length,
    });
  };

  const watchBindings = async () => {
    while (running()) {
      await kube.listClaims().then(
        (list) => ledger.observe(list),
        (e) => noteError("list claims", e),
      );
      await Bun.sleep(250);
    }
  };

  const sampler = async () => {
    const every = Math.max(1000, (seconds * 1000) / 60);
    while (running()) {
      sample();
      await Bun.sleep(every);
    }
  };

  const slots: Slot[] = Array.from({ length: soak.sandboxes }, () => ({ target: undefined, inflight: 0 }));

  const churn = async (slot: Slot, index: number) => {
    for (let round = 0; running(); round++) {
      const name = `soak-${index}-${round}`;
      try {
        await kube.createClaim(name, claimChurn.warmPool);
        const sandbox = await readySandbox(kube, name, claimChurn.readyTimeoutSeconds);
        if (sandbox === undefined) throw new Error(`not Ready in ${claimChurn.readyTimeoutSeconds} s`);
        claims++;
        slot.target = { routerUrl: system.routerUrl, sandbox, namespace, files: new Map() };
        await Bun.sleep(Math.min(holdMs, Math.max(0, endAt - Date.now())));
      } catch (e) {
        noteError(`claim ${name}`, e);
      }
      // Release only once no request is in flight against it: a request racing a deletion is not an error.
      slot.target = undefined;
      await poll(async () => (slot.inflight === 0 ? true : undefined), 60, 10);
      await kube.deleteClaim(name).catch((e) => noteError(`delete ${name}`, e));
    }
  };

  const vu = async () => {
    while (running()) {
      const ready = slots.filter((s) => s.target !== undefined);
      const slot = ready[Math.floor(Math.random() * ready.length)];
      if (slot?.target === undefined) {
        await Bun.sleep(20);
        continue;
      }
      slot.inflight++;
      try {
        await perform(pickOperation(soak.mix, Math.random()), slot.target, soak.uploadBytes);
        requests++;
      } catch (e) {
        requests++;
        noteError("request", e);
      } finally {
        slot.inflight--;
      }
    }
  };

  await Promise.all([
    watchBindings(),
    sampler(),
    ...slots.map(churn),
    ...Array.from({ length: soak.vus }, vu),
  ]);
  sample();

  // All claims released: the system must settle back to the warm pool; anything above its size is a leak.
  const settled = await poll(
    async () => {
      const [claimsLeft, sandboxes, pods] = await Promise.all([
        kube.listClaims(),
        kube.countSandboxes(),
        kube.countPods(),
      ]);
      return claimsLeft.length === 0 && sandboxes === poolSize && pods === poolSize
        ? { claims: 0, sandboxes, pods }
        : undefined;
    },
    30,
    250,
  );
  const leftover = settled ?? {
    claims: (await kube.listClaims()).length,
    sandboxes: await kube.countSandboxes(),
    pods: await kube.countPods(),
  };
  const leakedObjects = Math.max(0, leftover.sandboxes - poolSize) + Math.max(0, leftover.pods - poolSize);
  for (const p of descendants()) podProcesses.set(`${p.pid}:${p.startTicks}`, p);
  await kube.dispose();
  await Effect.runPromise(Scope.close(scope, Exit.void));
  const leaked =
    (await poll(async () => {
      const alive = [...podProcesses.values()].filter(stillAlive);
      return alive.length === 0 ? alive : undefined;
    }, 15)) ?? [...podProcesses.values()].filter(stillAlive);
  await rm(stateDir, { recursive: true, force: true });

  // Growth of this process's RSS: median of the last three samples against the first three after warm-up.
  const steady = samples.filter((s) => s.t >= Math.min(10, seconds / 6));
  const head = median(steady.slice(0, 3).map((s) => s.processKb));
  const tail = median(steady.slice(-3).map((s) => s.processKb));
  const rssGrowthPct = head > 0 ? Math.round(((tail - head) / head) * 1000) / 10 : 0;

  const summary = {
    seconds,
    claims,
    requests,
    errors: errorCount,
    double_bound: ledger.doubleBound,
    leaked_processes: leaked.length,
    rss_growth_pct: rssGrowthPct,
  };
  const report = {
    command: `npm run soak -- --seconds ${seconds}`,
    finishedAt: new Date().toISOString(),
    profile: { ...soak, warmPoolReplicas: poolSize, holdSeconds: holdMs / 1000 },
    memoryNote:
      "processKb: RSS of the one process running API server, controller, node agent and router; podsKb: sum over pod processes",
    summary,
    leakedObjects,
    poolRefilled: leftover.sandboxes === poolSize && leftover.pods === poolSize,
    leftover,
    doubleBoundDetails: ledger.details,
    leakedProcessCommands: leaked.map((p) => p.command),
    errorSamples: errors,
    samples,
  };
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    Object.entries(summary)
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
  );
};

await main();
process.exit(0);
