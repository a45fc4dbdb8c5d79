// One part of local mode in a process of its own, so the soak can measure each part's memory on its own:
//   bun run bench/soak/component.ts <apiserver|node|controller|router> --state-dir <dir> [--port <n>]
//     [--event-ttl-seconds <n>] (API server only; its default is kube's 1 h)
// Spawned by components.ts with an IPC channel. The child answers "sample" with its memory after a full GC
// (RSS and JavaScriptCore heap statistics) and "stop" by closing its scope (the node agent stops its pods).

import { heapStats } from "bun:jsc";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Deferred, Duration, Effect, Exit, Schedule, Scope } from "effect";
import { ApiServer } from "../../src/apiserver/index";
import { runController } from "../../src/controller/manager";
import { KubeClient } from "../../src/kube/index";
import { LOCAL_POD_CIDR } from "../../src/local/compose";
import { startNodeAgent } from "../../src/node/index";
import { feedSandboxIndex, routerScoped, SandboxIndex } from "../../src/router/index";
import type { ChildMessage, MemorySample, ParentMessage } from "./component-protocol";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "state-dir": { type: "string" },
    port: { type: "string", default: "0" },
    "event-ttl-seconds": { type: "string" },
  },
});
const part = positionals[0];
const stateDir = values["state-dir"];
if (stateDir === undefined) throw new Error("--state-dir is required");
const kubeconfigPath = join(stateDir, "kubeconfig");
const kube = () => KubeClient.layer(kubeconfigPath);

/** Starts the part in `scope`; resolves to the URL it serves (if any) once it is ready. */
const start = (): Effect.Effect<string, unknown, Scope.Scope> => {
  switch (part) {
    case "apiserver":
      return ApiServer.scoped({
        host: "127.0.0.1",
        port: Number(values.port),
        storage: join(stateDir, "store.sqlite"),
        tls: true,
        kubeconfigPath,
        ...(values["event-ttl-seconds"] ? { eventTtlMs: Number(values["event-ttl-seconds"]) * 1000 } : {}),
      }).pipe(Effect.map((api) => api.url));
    case "node":
      return startNodeAgent({
        stateDir: join(stateDir, "node"),
        podCidr: LOCAL_POD_CIDR,
        isolation: "auto",
      }).pipe(
        Effect.map((node) => node.logUrl),
        Effect.provide(kube()),
      );
    case "controller":
      return Effect.gen(function* () {
        const ready = yield* Deferred.make<void>();
        yield* Effect.forkScoped(runController({ onReady: () => Deferred.unsafeDone(ready, Effect.void) }));
        yield* Deferred.await(ready);
        return "";
      }).pipe(Effect.provide(kube()));
    case "router":
      return Effect.gen(function* () {
        const index = new SandboxIndex();
        yield* Effect.forkScoped(feedSandboxIndex(index));
        const router = yield* routerScoped({
          hostname: "127.0.0.1",
          port: Number(values.port),
          metricsPort: null,
          auth: { mode: "none" },
          allowUnauthenticated: true,
          localPodCidrs: [LOCAL_POD_CIDR],
          index,
        });
        yield* Effect.sync(() => index.isSynced).pipe(
          Effect.repeat(
            Schedule.recurUntil((synced: boolean) => synced).pipe(Schedule.addDelay(() => "50 millis")),
          ),
          Effect.timeoutFail({
            duration: Duration.minutes(1),
            onTimeout: () => new Error("router index did not sync"),
          }),
        );
        return router.url;
      }).pipe(Effect.provide(kube()));
    default:
      throw new Error(`unknown part ${part}; expected apiserver, node, controller or router`);
  }
};

/** Memory after a full collection, so what is left is what the part still holds. */
const sample = (): MemorySample => {
  Bun.gc(true);
  const heap = heapStats();
  return {
    rssKb: Math.round(process.memoryUsage.rss() / 1024),
    heapKb: Math.round(heap.heapSize / 1024),
    extraKb: Math.round(heap.extraMemorySize / 1024),
    objects: heap.objectCount,
    objectTypeCounts: heap.objectTypeCounts,
  };
};

const send = (message: ChildMessage) => process.send?.(message);

const scope = Effect.runSync(Scope.make());
try {
  const url = await Effect.runPromise(Scope.extend(start(), scope));
  process.on("message", async (message: ParentMessage) => {
    if (message.type === "sample") send({ type: "sample", id: message.id, sample: sample() });
    if (message.type === "stop") {
      await Effect.runPromise(Scope.close(scope, Exit.void));
      send({ type: "stopped" });
      process.exit(0);
    }
  });
  send({ type: "ready", url });
} catch (error) {
  console.error(`${part}: failed to start:`, error);
  await Effect.runPromise(Scope.close(scope, Exit.void));
  process.exit(1);
}
