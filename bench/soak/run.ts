// npm run soak -- --seconds N [--out file] [--hold-seconds S] [--pool R] [--event-ttl S]
// Local mode (own state dir) under continuous claim churn while the soak mix of bench/profiles.json flows
// through the router. Local mode is taken apart: API server, node agent, controller and router each run in a
// process of their own (component.ts), so each part's memory (RSS and JS heap after a full GC) is measured on
// its own, apart from each other and from this load generator; pod processes are summed separately.
// Ends with one summary line (the interface of issue 9) and writes the details as JSON.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import profiles from "../profiles.json";
import type { Component, PartName } from "./components";
import { type KubeApi, kubeApi, poll, readySandbox } from "./kube";
import { BindingLedger } from "./ledger";
import { type ComponentSeries, growth, type PartSample } from "./memory";
import { openFiles, rssKb, SeenProcesses } from "./processes";
import { startSystem } from "./system";
import { perform, pickOperation, type Target } from "./traffic";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: String(profiles.soak.durationSeconds) },
    out: { type: "string", default: join(import.meta.dir, "../results/soak.json") },
    // A 2-core machine holds a few claims at a time; the profile's sandboxes/vus are used as given.
    "hold-seconds": { type: "string", default: "4" },
    pool: { type: "string", default: "2" },
    // Events expire after this (the API server's default is kube's 1 h: a shorter run never sees expiry).
    "event-ttl": { type: "string" },
  },
});
const seconds = Number(values.seconds);
const holdMs = Number(values["hold-seconds"]) * 1000;
const poolSize = Number(values.pool);
const { soak, claimChurn } = profiles;
// Samples before this are start-up (JIT compiling hot paths, first claims, the API server's in-memory watch
// window filling) and are not compared: the first sixth of the run, at most a minute.
const warmUpSeconds = Math.min(60, seconds / 6);
const namespace = claimChurn.namespace;

interface Sample {
  readonly t: number;
  readonly parts: Record<PartName, PartSample>;
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

const main = async () => {
  const stateDir = await mkdtemp(join(tmpdir(), "agent-sandbox-soak-"));
  const components: Component[] = [];
  const stopAll = async () => {
    // Reverse start order: the API server goes last, so the node agent can still report its pods stopping.
    for (const c of [...components].reverse()) await c.stop();
  };
  const eventTtl = values["event-ttl"];
  const system = await startSystem({
    stateDir,
    namespace,
    poolSize,
    started: components,
    ...(eventTtl === undefined ? {} : { apiServerArgs: ["--event-ttl-seconds", eventTtl] }),
  }).catch(async (e) => {
    await stopAll();
    throw e;
  });
  const kube: KubeApi = kubeApi(system.kubeconfigPath, namespace);
  const ledger = new BindingLedger();
  const podProcesses = new SeenProcesses();
  const samples: Sample[] = [];
  const started = Date.now();
  const endAt = started + seconds * 1000;
  const running = () => Date.now() < endAt;
  let claims = 0;
  let requests = 0;

  // Object counts by type, first and latest, to name what grows when a part's heap does.
  const firstTypes = new Map<PartName, Record<string, number>>();
  const lastTypes = new Map<PartName, Record<string, number>>();
  const sample = async () => {
    const t = Math.round((Date.now() - started) / 1000);
    const measured = await Promise.all(components.map(async (c) => [c, await c.sample()] as const));
    const parts = {} as Record<PartName, PartSample>;
    for (const [{ name, pid }, m] of measured) {
      parts[name] = {
        rssKb: m.rssKb,
        heapKb: m.heapKb,
        extraKb: m.extraKb,
        objects: m.objects,
        fds: openFiles(pid),
      };
      if (!firstTypes.has(name) && t >= warmUpSeconds) firstTypes.set(name, m.objectTypeCounts);
      lastTypes.set(name, m.objectTypeCounts);
    }
    const pods = podProcesses.record(system.node.pid);
    samples.push({
      t,
      parts,
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
      await sample().catch((e) => noteError("memory sample", e));
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
  await sample().catch((e) => noteError("memory sample", e));

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
  // Kubernetes Events are not leaks (they expire after the API server's event TTL), but they are what the
  // API server's store keeps after claims are gone, so their count explains its memory.
  const eventsStored = await kube.countEvents().catch(() => -1);
  podProcesses.record(system.node.pid);
  await kube.dispose();
  await stopAll();
  const leaked = await podProcesses.survivors();
  await rm(stateDir, { recursive: true, force: true });

  const steady = samples.filter((s) => s.t >= warmUpSeconds);
  const memory = Object.fromEntries(
    components.map((c): [PartName, ComponentSeries] => [
      c.name,
      growth(
        steady.map((s) => s.parts[c.name]),
        firstTypes.get(c.name) ?? {},
        lastTypes.get(c.name) ?? {},
      ),
    ]),
  );
  // The interface's single figure: the worst part's RSS growth.
  const rssGrowthPct = Math.max(...Object.values(memory).map((m) => m.rssGrowthPct));

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
    command: `npm run soak -- --seconds ${seconds}${values["event-ttl"] ? ` --event-ttl ${values["event-ttl"]}` : ""}`,
    finishedAt: new Date().toISOString(),
    profile: { ...soak, warmPoolReplicas: poolSize, holdSeconds: holdMs / 1000, warmUpSeconds },
    memoryNote:
      "Per part (each its own process), after a full GC: rssKb, heapKb (JS heap in use), extraKb (held outside the heap), objects (live JS objects), fds (open file descriptors). Growth = median of the last three samples against the first three after warm-up (the first sixth of the run, at most 60 s); rss_growth_pct = the largest part's RSS growth. podsKb: sum over pod processes",
    summary,
    memory,
    leakedObjects,
    poolRefilled: leftover.sandboxes === poolSize && leftover.pods === poolSize,
    leftover,
    eventsStored,
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
