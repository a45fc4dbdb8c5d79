// The users of the claims bench, in a process of their own as local mode's users are (SDKs, kubectl): they
// create claims over HTTP(S) and see each become Ready through one watch. Commands come as JSON lines on
// stdin; each answer goes back as one JSON line on stdout.
// Usage: bun users.ts <api-url> <token> <ca-data> <namespace>
import { Effect, Fiber, ManagedRuntime, Stream } from "effect";
import { CONDITION_READY, type v1beta1 } from "../../src/api";
import { isConditionTrue } from "../../src/controller/common/conditions";
import { KubeClient, type KubeObject, makeInformer, refs } from "../../src/kube";

const [url = "", token = "", caData = "", namespace = "default"] = process.argv.slice(2);

export interface ClaimsCommand {
  readonly pool: string;
  readonly count: number;
  /** All at once (a burst) rather than one after another. */
  readonly concurrent: boolean;
}

export interface ClaimsAnswer {
  /** claim -> Ready per claim, ms, in creation order. */
  readonly latencies: number[];
  /** From the first create to the last Ready. */
  readonly seconds: number;
  /** This process's CPU over the same span. */
  readonly cpuMs: number;
}

const runtime = ManagedRuntime.make(KubeClient.layer({ url, token, ...(caData ? { caData } : {}) }));
const client = await runtime.runPromise(KubeClient);

const waiting = new Map<string, (at: number) => void>();
const synced = Promise.withResolvers<void>();
const watch = runtime.runFork(
  Effect.scoped(
    Effect.gen(function* () {
      const claims = yield* makeInformer(refs.sandboxClaim, { namespace });
      return yield* claims.stream.pipe(
        Stream.runForEach((e) =>
          Effect.sync(() => {
            if (e._tag === "Synced") return synced.resolve();
            if (
              e._tag === "Deleted" ||
              !isConditionTrue((e.object as v1beta1.SandboxClaim).status?.conditions, CONDITION_READY)
            )
              return;
            const name = e.object.metadata?.name ?? "";
            waiting.get(name)?.(performance.now());
            waiting.delete(name);
          }),
        ),
      );
    }),
  ),
);
await synced.promise;

let seq = 0;
/** Creates a claim and resolves with its claim -> Ready latency in ms. */
const claim = async (pool: string): Promise<number> => {
  const name = `bench-${++seq}`;
  const done = new Promise<number>((resolve) => waiting.set(name, resolve));
  const start = performance.now();
  await runtime.runPromise(
    client.create(refs.sandboxClaim, {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxClaim",
      metadata: { name, namespace },
      spec: { warmPoolRef: { name: pool } },
    } as KubeObject),
  );
  return (await done) - start;
};

const serve = async (cmd: ClaimsCommand): Promise<ClaimsAnswer> => {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const latencies: number[] = [];
  if (cmd.concurrent)
    latencies.push(...(await Promise.all(Array.from({ length: cmd.count }, () => claim(cmd.pool)))));
  else for (let i = 0; i < cmd.count; i++) latencies.push(await claim(cmd.pool));
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, seconds: (performance.now() - start) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
};

console.log(JSON.stringify({ ready: true }));
for await (const line of console) {
  if (line.trim() === "") continue;
  console.log(JSON.stringify(await serve(JSON.parse(line) as ClaimsCommand)));
}
await runtime.runPromise(Fiber.interrupt(watch));
await runtime.dispose();
