// Local mode taken apart so fault tests can break one piece at a time: the API server runs as a child process
// (SIGKILL-able, restartable on the same SQLite file and port), while the node agent, the controller and the
// router each live in their own scope in this process (the controller can be closed and started again).
// The pieces around the controller are src/local/compose.ts's own.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Deferred, Effect, Exit, ManagedRuntime, Scope } from "effect";
import { runController } from "../../src/controller/manager";
import { KubeClient } from "../../src/kube/index";
import { ensureDefaults, startLocalRouter, startNodeSide } from "../../src/local/compose";
import type { SandboxIndex } from "../../src/router/index";
import { poll } from "./kube";

const root = join(import.meta.dir, "../..");
const bun = join(root, "node_modules/.bin/bun");

export const freePort = () => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
};

export interface Parts {
  readonly stateDir: string;
  readonly apiUrl: string;
  readonly routerUrl: string;
  readonly kubeconfigPath: string;
  readonly index: SandboxIndex;
  /** SIGKILLs the API server process and waits for it to be gone. */
  killApiServer(): Promise<void>;
  /** Starts the API server again on the same port and SQLite file; resolves once it answers. */
  startApiServer(): Promise<void>;
  /** Closes the controller's scope: its informers and workers stop. */
  stopController(): Promise<void>;
  /** Starts a fresh controller (after `stopController`); resolves once its caches are synced. */
  startController(): Promise<void>;
  /** `stopController`, then `startController`. */
  restartController(): Promise<void>;
  stop(): Promise<void>;
}

export const startParts = async (options: {
  warmPoolReplicas: number;
  namespace?: string;
}): Promise<Parts> => {
  const namespace = options.namespace ?? "default";
  const stateDir = await mkdtemp(join(tmpdir(), "agent-sandbox-fault-"));
  const kubeconfigPath = join(stateDir, "kubeconfig");
  const port = freePort();
  const apiUrl = `https://127.0.0.1:${port}`;
  let api: ReturnType<typeof Bun.spawn> | undefined;

  const startApiServer = async () => {
    api = Bun.spawn(
      [bun, "src/apiserver/main.ts", "--port", String(port), "--tls"].concat([
        "--storage",
        join(stateDir, "store.sqlite"),
        "--kubeconfig",
        kubeconfigPath,
      ]),
      { cwd: root, stdout: "ignore", stderr: "inherit" },
    );
    const up = await poll(
      () => fetch(`${apiUrl}/readyz`, { tls: { rejectUnauthorized: false } }).then((r) => r.ok || undefined),
      60,
    );
    if (!up) throw new Error("API server did not come up");
  };
  const killApiServer = async () => {
    api?.kill("SIGKILL");
    await api?.exited;
  };

  await startApiServer();
  const runtime = ManagedRuntime.make(KubeClient.layer(kubeconfigPath));
  const inScope = async <A>(
    scope: Scope.Scope,
    effect: Effect.Effect<A, unknown, KubeClient | Scope.Scope>,
  ) => runtime.runPromise(Scope.extend(effect, scope));

  const base = Effect.runSync(Scope.make());
  let controllerScope = Effect.runSync(Scope.make());
  const startController = async () => {
    controllerScope = Effect.runSync(Scope.make());
    await inScope(
      controllerScope,
      Effect.gen(function* () {
        const ready = yield* Deferred.make<void>();
        yield* Effect.forkScoped(runController({ onReady: () => Deferred.unsafeDone(ready, Effect.void) }));
        yield* Deferred.await(ready);
      }),
    );
  };
  const stopController = () => Effect.runPromise(Scope.close(controllerScope, Exit.void));
  const stop = async () => {
    await stopController();
    await Effect.runPromise(Scope.close(base, Exit.void));
    await runtime.dispose();
    await killApiServer();
    await rm(stateDir, { recursive: true, force: true });
  };

  try {
    await mkdir(join(stateDir, "node"), { recursive: true });
    await inScope(base, startNodeSide({ stateDir, host: "127.0.0.1", namespace, isolation: true }));
    await startController();
    await runtime.runPromise(ensureDefaults(namespace, options.warmPoolReplicas));
    const { url: routerUrl, index } = await inScope(base, startLocalRouter({ host: "127.0.0.1", port: 0 }));
    return {
      stateDir,
      apiUrl,
      routerUrl,
      kubeconfigPath,
      index,
      killApiServer,
      startApiServer,
      stopController,
      startController,
      restartController: async () => {
        await stopController();
        await startController();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
