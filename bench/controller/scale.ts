// DESIGN's scale target for the controller and API server: 10,000 sandboxes with bounded memory, and reconcile
// cost linear in changes (a change costs the same with 2,000 sandboxes as with 10,000). Sandboxes are created
// in steps; after each step the process's memory is read after a full GC, and a fixed number of changes
// (a pod-template label on random sandboxes, which the controller propagates to their pods) is timed in
// process CPU until every change reached its pod. At the end, rounds of changes at full size show whether
// memory keeps growing under churn. `npm run bench:scale`; results in bench/results/controller-scale.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Effect, Fiber, Stream } from "effect";
import { CONDITION_READY, type v1beta1 } from "../../src/api";
import { isConditionTrue } from "../../src/controller/common/conditions";
import { type KubeClient, refs, watcher } from "../../src/kube";
import { BENCH_POD_TEMPLATE, startControllerHarness } from "./harness";

const TOTAL = Number(process.env.BENCH_SCALE_SANDBOXES ?? 10_000);
const STEP = Number(process.env.BENCH_SCALE_STEP ?? 2_000);
const CHANGES = Number(process.env.BENCH_SCALE_CHANGES ?? 500);
const CHURN_ROUNDS = Number(process.env.BENCH_SCALE_CHURN_ROUNDS ?? 3);
const NS = "default";
const LABEL = "bench.agents.x-k8s.io/change";

const harness = await startControllerHarness();
// Setup and changes go in-process too: this bench is about what the system holds and does per change.
const run = <A>(e: Effect.Effect<A, unknown, KubeClient>) => harness.system.runPromise(e);
const client = harness.systemClient;

// What the bench waits on, kept as names only so its own memory stays out of the measurement.
const readySandboxes = new Set<string>();
const podsAt = new Map<string, string>();
let waiter: { check: () => boolean; done: () => void } | undefined;
const recheck = () => {
  if (waiter?.check()) waiter.done();
};
const until = (check: () => boolean) =>
  new Promise<void>((resolve) => {
    waiter = {
      check,
      done: () => {
        waiter = undefined;
        resolve();
      },
    };
    recheck();
  });
const observe = <T>(stream: Stream.Stream<T, never, KubeClient>, each: (e: T) => void) =>
  harness.system.runFork(
    stream.pipe(
      Stream.runForEach((e) =>
        Effect.sync(() => {
          each(e);
          recheck();
        }),
      ),
    ),
  );
const sandboxWatch = observe(watcher(refs.sandbox, { namespace: NS }), (e) => {
  if (e._tag === "Synced") return;
  const name = e.object.metadata?.name ?? "";
  if (
    e._tag !== "Deleted" &&
    isConditionTrue((e.object as v1beta1.Sandbox).status?.conditions, CONDITION_READY)
  )
    readySandboxes.add(name);
  else readySandboxes.delete(name);
});
const podWatch = observe(watcher(refs.pod, { namespace: NS }), (e) => {
  if (e._tag === "Synced" || e._tag === "Deleted") return;
  const value = e.object.metadata?.labels?.[LABEL];
  if (value !== undefined) podsAt.set(e.object.metadata?.name ?? "", value);
});

/** Runs `f` over `items` with at most `n` in flight. */
const pooled = async <T>(items: ReadonlyArray<T>, n: number, f: (item: T) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
};

const sandbox = (name: string) => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name, namespace: NS },
  spec: {
    podTemplate: BENCH_POD_TEMPLATE,
  },
});

const memory = () => {
  Bun.gc(true);
  const m = process.memoryUsage();
  return { rss_mb: Math.round(m.rss / 2 ** 20), heap_mb: Math.round(m.heapUsed / 2 ** 20) };
};

let round = 0;
/** Changes `CHANGES` random sandboxes' pod template; process CPU ms per change until every pod shows it. */
const timedChanges = async (existing: number) => {
  const tag = `r${++round}`;
  const names = new Set<string>();
  while (names.size < Math.min(CHANGES, existing)) names.add(`scale-${Math.floor(Math.random() * existing)}`);
  const cpuBefore = process.cpuUsage();
  await pooled([...names], 50, (name) =>
    run(
      client.patch(
        refs.sandbox,
        name,
        { type: "merge", body: { spec: { podTemplate: { metadata: { labels: { [LABEL]: tag } } } } } },
        { namespace: NS },
      ),
    ),
  );
  await until(() => [...names].every((n) => podsAt.get(n) === tag));
  const cpu = process.cpuUsage(cpuBefore);
  return Math.round(((cpu.user + cpu.system) / 1000 / names.size) * 100) / 100;
};

const steps: Array<{ sandboxes: number; rss_mb: number; heap_mb: number; change_cpu_ms: number }> = [];
for (let made = 0; made < TOTAL; ) {
  const next = Math.min(TOTAL, made + STEP);
  const names = Array.from({ length: next - made }, (_, i) => `scale-${made + i}`);
  await pooled(names, 50, (name) => run(client.create(refs.sandbox, sandbox(name))));
  made = next;
  await until(() => readySandboxes.size >= made);
  const change_cpu_ms = await timedChanges(made);
  steps.push({ sandboxes: made, ...memory(), change_cpu_ms });
  console.log(JSON.stringify(steps.at(-1)));
}

// Churn at full size: memory after each round of changes, against the first.
const churn: Array<{ rss_mb: number; heap_mb: number; change_cpu_ms: number }> = [];
for (let i = 0; i < CHURN_ROUNDS; i++) {
  const change_cpu_ms = await timedChanges(TOTAL);
  churn.push({ ...memory(), change_cpu_ms });
  console.log(JSON.stringify({ churn: i + 1, ...churn.at(-1) }));
}

const first = steps[0]!;
const last = steps.at(-1)!;
const result = {
  sandboxes: TOTAL,
  steps,
  churn,
  rss_mb: last.rss_mb,
  // What each further sandbox (with its pod, in the API server and the controller's caches) costs.
  kb_per_sandbox:
    steps.length > 1
      ? Math.round(((last.rss_mb - first.rss_mb) * 1024) / (last.sandboxes - first.sandboxes))
      : Math.round((last.rss_mb * 1024) / last.sandboxes),
  change_cpu_ms_first: first.change_cpu_ms,
  change_cpu_ms_last: last.change_cpu_ms,
  churn_rss_growth_pct:
    churn.length > 1
      ? Math.round(((churn.at(-1)!.rss_mb - churn[0]!.rss_mb) / churn[0]!.rss_mb) * 1000) / 10
      : 0,
  load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
  storage: harness.storage,
  date: new Date().toISOString(),
};
mkdirSync(join(import.meta.dir, "../results"), { recursive: true });
writeFileSync(
  join(import.meta.dir, "../results/controller-scale.json"),
  `${JSON.stringify(result, null, 2)}\n`,
);

await harness.system.runPromise(Fiber.interrupt(sandboxWatch));
await harness.system.runPromise(Fiber.interrupt(podWatch));
await harness.stop();
console.log(
  `sandboxes=${TOTAL} rss_mb=${result.rss_mb} kb_per_sandbox=${result.kb_per_sandbox} change_cpu_ms_first=${result.change_cpu_ms_first} change_cpu_ms_last=${result.change_cpu_ms_last} churn_rss_growth_pct=${result.churn_rss_growth_pct}`,
);
