// What the controller benches share: the embedded API server with our CRDs, the controller, a fake kubelet
// beside it (pods become Running/Ready as soon as they appear) and the router's sandbox index, all in this
// process and sharing the controller's informers as local mode's node agent and router do.
// As in local mode, the controller and the kubelet reach the API server in-process; BENCH_CONTROLLER_HTTP=1
// puts them on HTTP instead, as a controller in its own process would be. As in local mode too, the API
// server stores to a SQLite file (in a temporary directory); BENCH_STORAGE=memory keeps it in memory instead.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Exit, Fiber, ManagedRuntime, Scope, Stream } from "effect";
import { parse } from "yaml";
import { type ApiServerHandle, startApiServer } from "../../src/apiserver";
import { SHARED_WITH_CONTROLLER } from "../../src/controller/caches";
import { type ControllerConfig, defaultControllerConfig } from "../../src/controller/config";
import { runController } from "../../src/controller/manager";
import {
  type Informer,
  KubeClient,
  type KubeClientApi,
  type KubeObject,
  makeInformer,
  refs,
} from "../../src/kube";
import { feedSandboxIndexFrom, SandboxIndex } from "../../src/router/index";

// biome-ignore lint/suspicious/noExplicitAny: API objects are read field by field
export type Obj = Record<string, any>;

/** The pod template of every Sandbox the benches make (a template's, or a Sandbox's own). */
export const BENCH_POD_TEMPLATE = {
  spec: { containers: [{ name: "main", image: "runtime", ports: [{ containerPort: 8888 }] }] },
};

export interface ControllerHarness {
  readonly api: ApiServerHandle;
  /** Where the API server stores: a SQLite file, as in local mode, or memory. */
  readonly storage: "file" | "memory";
  /** The system's side (controller, kubelet): in-process unless BENCH_CONTROLLER_HTTP=1. */
  readonly system: ManagedRuntime.ManagedRuntime<KubeClient, unknown>;
  readonly systemClient: KubeClientApi;
  stop(): Promise<void>;
}

/** Marks every new pod Running and Ready, with an address of its own. */
const fakeKubelet = (client: KubeClientApi, pods: Informer<KubeObject>) =>
  Effect.scoped(
    Effect.gen(function* () {
      let ip = 0;
      return yield* pods.stream.pipe(
        Stream.runForEach((e) => {
          if (e._tag === "Synced" || e._tag === "Deleted") return Effect.void;
          const pod = e.object as Obj;
          if ((pod.status?.phase ?? "Pending") !== "Pending" || pod.metadata.deletionTimestamp)
            return Effect.void;
          ip++;
          const addr = `127.1.${Math.floor(ip / 250) % 250}.${(ip % 250) + 1}`;
          const status = {
            phase: "Running",
            podIP: addr,
            podIPs: [{ ip: addr }],
            conditions: [
              { type: "PodScheduled", status: "True" },
              { type: "Ready", status: "True" },
            ],
          };
          return client
            .patchStatus(
              refs.pod,
              pod.metadata.name,
              { type: "merge", body: { status } },
              { namespace: pod.metadata.namespace },
            )
            .pipe(Effect.ignore, Effect.forkDaemon);
        }),
      );
    }),
  );

export const startControllerHarness = async (
  options: { readonly config?: Partial<ControllerConfig> } = {},
): Promise<ControllerHarness> => {
  const stateDir = mkdtempSync(join(tmpdir(), "bench-controller-"));
  const storage = process.env.BENCH_STORAGE === "memory" ? ":memory:" : join(stateDir, "store.sqlite");
  // Local mode serves its users (kubectl, the SDKs) over TLS, and so does the bench; BENCH_TLS=0 serves them
  // plain HTTP (the results before 2026-11-29's tenth session were measured so).
  const api = await startApiServer({ port: 0, storage, tls: process.env.BENCH_TLS !== "0" });
  const connection = { url: api.url, token: api.token, ...(api.caData ? { caData: api.caData } : {}) };
  const systemSide =
    process.env.BENCH_CONTROLLER_HTTP === "1" ? connection : { ...connection, fetch: api.fetch };
  const system = ManagedRuntime.make(KubeClient.layer(systemSide));
  const systemClient = await system.runPromise(KubeClient);

  const crdDir = join(import.meta.dir, "../../crds");
  for (const f of readdirSync(crdDir).filter((f) => f.endsWith(".yaml")))
    await system.runPromise(
      systemClient.create(
        refs.customResourceDefinition,
        parse(readFileSync(join(crdDir, f), "utf8")) as KubeObject,
      ),
    );

  // As in local mode, the kubelet (there, the node agent) and the controller share one pod informer, and
  // the router's index follows the controller's Sandbox and claim informers.
  const sharedScope = await system.runPromise(Scope.make());
  const shared = await system.runPromise(
    Scope.extend(
      Effect.gen(function* () {
        const pods = yield* makeInformer(refs.pod, SHARED_WITH_CONTROLLER);
        const sandboxes = yield* makeInformer(refs.sandbox, SHARED_WITH_CONTROLLER);
        const claims = yield* makeInformer(refs.sandboxClaim, SHARED_WITH_CONTROLLER);
        yield* Effect.forkScoped(feedSandboxIndexFrom(new SandboxIndex(), { sandboxes, claims }));
        return { pods, sandboxes, claims };
      }),
      sharedScope,
    ),
  );
  const ready = Promise.withResolvers<void>();
  const controller = system.runFork(
    Effect.scoped(
      runController({
        config: { ...defaultControllerConfig, ...options.config },
        onReady: () => ready.resolve(),
        informers: { Pod: shared.pods, Sandbox: shared.sandboxes, SandboxClaim: shared.claims },
      }),
    ),
  );
  await ready.promise;
  const kubelet = system.runFork(fakeKubelet(systemClient, shared.pods));

  return {
    api,
    storage: storage === ":memory:" ? "memory" : "file",
    system,
    systemClient,
    async stop() {
      await system.runPromise(Fiber.interrupt(kubelet));
      await system.runPromise(Fiber.interrupt(controller));
      await system.runPromise(Scope.close(sharedScope, Exit.void));
      await system.dispose();
      await api.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
};
