// npm run chaos -- [--seconds N] [--every S] [--down MIN-MAX] [--parts apiserver,controller,node,router]
//   [--workers W] [--pool R] [--out file]
// Local mode taken apart (each part a process, as in the soak) under claim churn, while every S seconds on
// average one part, picked at random, is SIGKILLed and started again MIN-MAX seconds later (default 0.3-2.3;
// the API server and the router on their ports). The users retry what an outage refused, as SDK users
// would. What must hold: every claim becomes Ready and answers through the router, no claim is ever bound to
// two sandboxes nor a sandbox to two claims, the system settles back to the warm pool, and no pod process
// outlives it. Ends with one summary line; exits 1 if any of that failed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { percentile } from "../percentile";
import profiles from "../profiles.json";
import type { Component, PartName } from "../soak/components";
import { kubeApi, poll, readySandbox } from "../soak/kube";
import { BindingLedger } from "../soak/ledger";
import { SeenProcesses } from "../soak/processes";
import { restartPart, startSystem } from "../soak/system";
import { perform } from "../soak/traffic";

const PARTS: ReadonlyArray<PartName> = ["apiserver", "controller", "node", "router"];

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "120" },
    every: { type: "string", default: "10" },
    down: { type: "string", default: "0.3-2.3" },
    parts: { type: "string", default: "apiserver,controller,node" },
    workers: { type: "string", default: "4" },
    pool: { type: "string", default: "3" },
    out: { type: "string", default: join(import.meta.dir, "../results/chaos.json") },
  },
});
const seconds = Number(values.seconds);
const everyMs = Number(values.every) * 1000;
const workers = Number(values.workers);
const poolSize = Number(values.pool);
const [downMinMs, downMaxMs] = values.down.split("-").map((s) => Number(s) * 1000) as [number, number];
if (!(downMinMs >= 0 && downMaxMs >= downMinMs))
  throw new Error(`--down: expected MIN-MAX seconds, such as 0.3-2.3 (got "${values.down}")`);
const victims = values.parts.split(",").map((p) => p.trim()) as PartName[];
for (const p of victims)
  if (!PARTS.includes(p)) throw new Error(`--parts: unknown part "${p}" (expected ${PARTS.join(", ")})`);
const { namespace, warmPool, readyTimeoutSeconds } = profiles.claimChurn;
/** How long the users go on retrying a create or delete that outages keep refusing. */
const RETRY_SECONDS = 60;

const main = async () => {
  const stateDir = await mkdtemp(join(tmpdir(), "agent-sandbox-chaos-"));
  const started: Component[] = [];
  const parts = new Map<PartName, Component>();
  const stopAll = async () => {
    for (const c of [...parts.values()].reverse()) await c.stop();
  };
  const system = await startSystem({ stateDir, namespace, poolSize, started }).catch(async (e) => {
    for (const c of started.reverse()) await c.stop();
    throw e;
  });
  for (const c of started) parts.set(c.name, c);

  const kube = kubeApi(system.kubeconfigPath, namespace);
  const ledger = new BindingLedger();
  const podProcesses = new SeenProcesses();
  const kills: Array<{ part: PartName; atSeconds: number; downMs: number }> = [];
  /** Claim -> Ready as its user saw it (outages included), with when it was created. */
  const served: Array<{ claim: string; atSeconds: number; readyMs: number }> = [];
  const notReady: string[] = [];
  const unroutable: string[] = [];
  const startedAt = Date.now();
  const endAt = startedAt + seconds * 1000;
  const running = () => Date.now() < endAt;

  const recordPods = () => {
    const node = parts.get("node");
    if (node) podProcesses.record(node.pid);
  };

  const observe = async () => {
    while (running()) {
      await kube.listClaims().then(
        (list) => ledger.observe(list),
        () => undefined, // the API server may be down
      );
      recordPods();
      await Bun.sleep(200);
    }
  };

  const churn = async (worker: number) => {
    for (let round = 0; running(); round++) {
      const name = `chaos-${worker}-${round}`;
      const sent = Date.now();
      // A create whose answer an outage lost may have been stored: look before creating again.
      const created = await poll(
        async () => (await kube.getClaim(name)) ?? (await kube.createClaim(name, warmPool)),
        RETRY_SECONDS,
        200,
      );
      if (created === undefined) {
        notReady.push(`${name} (never accepted)`);
        continue;
      }
      const sandbox = await readySandbox(kube, name, readyTimeoutSeconds);
      if (sandbox === undefined) notReady.push(name);
      else {
        served.push({
          claim: name,
          atSeconds: Math.round((sent - startedAt) / 1000),
          readyMs: Date.now() - sent,
        });
        // And it answers through the router (which may be the part restarting).
        const target = { routerUrl: system.routerUrl, sandbox, namespace, files: new Map() };
        const answered = await poll(() => perform("execute", target, 0).then(() => true), RETRY_SECONDS, 200);
        if (answered === undefined) unroutable.push(name);
      }
      await Bun.sleep(500 + Math.random() * 1500);
      await poll(() => kube.deleteClaim(name).then(() => true), RETRY_SECONDS, 200);
    }
  };

  const faults = async () => {
    await Bun.sleep(Math.min(5000, everyMs));
    while (running()) {
      const part = victims[Math.floor(Math.random() * victims.length)]!;
      const victim = parts.get(part)!;
      if (part === "node") recordPods();
      process.kill(victim.pid, "SIGKILL");
      const killedAt = Date.now();
      await Bun.sleep(downMinMs + Math.random() * (downMaxMs - downMinMs));
      parts.set(part, await restartPart(stateDir, victim));
      kills.push({
        part,
        atSeconds: Math.round((killedAt - startedAt) / 1000),
        downMs: Date.now() - killedAt,
      });
      await Bun.sleep(everyMs * (0.5 + Math.random()));
    }
  };

  await Promise.all([observe(), faults(), ...Array.from({ length: workers }, (_, i) => churn(i))]);

  // Every claim released: the system must settle back to the warm pool.
  const settled =
    (await poll(
      async () => {
        const [claims, sandboxes, pods] = await Promise.all([
          kube.listClaims(),
          kube.countSandboxes(),
          kube.countPods(),
        ]);
        return claims.length === 0 && sandboxes === poolSize && pods === poolSize ? true : undefined;
      },
      90,
      500,
    )) ?? false;
  const leftover = settled
    ? undefined
    : await Promise.all([kube.listClaims(), kube.listSandboxes(), kube.listPods()]).then(
        ([claims, sandboxes, pods]) => ({
          claims: claims.map((c) => c.metadata?.name),
          sandboxes: sandboxes.map((s) => s.metadata?.name),
          pods: pods.map((p) => ({
            name: p.metadata?.name,
            phase: p.status?.phase,
            deleting: p.metadata?.deletionTimestamp !== undefined,
            owners: (p.metadata?.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}/${r.uid}`),
          })),
          sandboxUids: sandboxes.map((s) => s.metadata?.uid),
        }),
        (e) => ({ error: String(e) }),
      );
  ledger.observe(await kube.listClaims().catch(() => []));
  recordPods();
  await kube.dispose();
  await stopAll();
  const leaked = await podProcesses.survivors();
  await rm(stateDir, { recursive: true, force: true });

  const latencies = served.map((s) => s.readyMs);
  const summary = {
    seconds,
    kills: kills.length,
    claims: served.length,
    not_ready: notReady.length,
    unroutable: unroutable.length,
    double_bound: ledger.doubleBound,
    leaked_processes: leaked.length,
    settled,
    ready_p50_ms: Math.round(percentile(latencies, 50)),
    ready_p99_ms: Math.round(percentile(latencies, 99)),
    ready_max_ms: Math.round(Math.max(0, ...latencies)),
  };
  const report = {
    command: `npm run chaos -- --seconds ${seconds} --every ${values.every} --down ${values.down} --parts ${victims.join(",")} --workers ${workers} --pool ${poolSize}`,
    finishedAt: new Date().toISOString(),
    summary,
    kills,
    slowest: [...served].sort((a, b) => b.readyMs - a.readyMs).slice(0, 10),
    leftover,
    notReady,
    unroutable,
    doubleBoundDetails: ledger.details,
    leakedProcessCommands: leaked.map((p) => p.command),
  };
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    Object.entries(summary)
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
  );
  const held =
    settled &&
    notReady.length === 0 &&
    unroutable.length === 0 &&
    ledger.doubleBound === 0 &&
    leaked.length === 0 &&
    kills.length > 0;
  process.exit(held ? 0 : 1);
};

await main();
