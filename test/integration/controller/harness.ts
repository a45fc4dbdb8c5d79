// An embedded API server (real HTTP), our CRDs, and the controller running against it. Pods are given
// their status by the test itself (no kubelet): `startPods` plays the node.
import { afterAll, beforeAll } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Effect, Fiber, ManagedRuntime } from "effect";
import { parse } from "yaml";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver";
import type { ControllerConfig } from "../../../src/controller/config";
import { defaultControllerConfig } from "../../../src/controller/config";
import { runController } from "../../../src/controller/manager";
import { ControllerMetrics } from "../../../src/controller/metrics";
import { KubeClient, type KubeObject, type ResourceRef, refs } from "../../../src/kube";

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of API objects
export type Obj = Record<string, any>;

const CRD_DIR = join(import.meta.dir, "../../../crds");

/** What a test does against the API server, as users and as the kubelet. */
export interface Client {
  run<A>(effect: Effect.Effect<A, unknown, KubeClient>): Promise<A>;
  get(ref: ResourceRef, name: string, namespace?: string): Promise<Obj | undefined>;
  list(ref: ResourceRef, namespace?: string): Promise<Obj[]>;
  create(ref: ResourceRef, object: Obj): Promise<Obj>;
  patch(ref: ResourceRef, name: string, body: Obj, namespace?: string): Promise<Obj>;
  remove(ref: ResourceRef, name: string, namespace?: string): Promise<void>;
  /** Polls until `check` returns a value (not undefined); fails after `timeoutMs`. */
  until<A>(what: string, check: () => Promise<A | undefined>, timeoutMs?: number): Promise<A>;
  /** Plays the kubelet: every pod without a phase becomes Running and Ready with a loopback IP. */
  startPods(namespace?: string): Promise<number>;
}

export interface Env extends Client {
  readonly api: ApiServerHandle;
  readonly metrics: ControllerMetrics;
  stop(): Promise<void>;
}

let nextIp = 1;

export const kubeLayer = (api: Pick<ApiServerHandle, "url" | "token" | "caData">) =>
  KubeClient.layer({ url: api.url, token: api.token, ...(api.caData ? { caData: api.caData } : {}) });

export type Run = <A>(effect: Effect.Effect<A, unknown, KubeClient>) => Promise<A>;

/** Installs crds/*.yaml the way `kubectl apply -f crds/` would. */
export const installCrds = (run: Run) =>
  Promise.all(
    readdirSync(CRD_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .map((file) => {
        const crd = parse(readFileSync(join(CRD_DIR, file), "utf8")) as KubeObject;
        return run(KubeClient.pipe(Effect.flatMap((c) => c.create(refs.customResourceDefinition, crd))));
      }),
  );

/** The test's side of a running API server: reads, writes and the kubelet's part, through `run`. */
export const clientHelpers = (run: Run): Client => {
  const client: Client = {
    run,
    get: (ref, name, namespace = "default") =>
      run(
        KubeClient.pipe(
          Effect.flatMap((c) => c.get(ref, name, { namespace })),
          Effect.map((o) => o as Obj | undefined),
          Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
        ),
      ),
    list: (ref, namespace = "default") =>
      run(
        KubeClient.pipe(
          Effect.flatMap((c) => c.listAll(ref, { namespace })),
          Effect.map((l) => l.items as Obj[]),
        ),
      ),
    create: (ref, object) =>
      run(
        KubeClient.pipe(
          Effect.flatMap((c) =>
            c.create(ref, { metadata: { namespace: "default" }, ...object } as KubeObject),
          ),
        ),
      ) as Promise<Obj>,
    patch: (ref, name, body, namespace = "default") =>
      run(
        KubeClient.pipe(Effect.flatMap((c) => c.patch(ref, name, { type: "merge", body }, { namespace }))),
      ) as Promise<Obj>,
    remove: async (ref, name, namespace = "default") => {
      await run(
        KubeClient.pipe(
          Effect.flatMap((c) => c.delete(ref, name, { namespace })),
          Effect.catchTag("NotFound", () => Effect.void),
        ),
      );
    },
    until: async (what, check, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await Bun.sleep(25);
      }
    },
    startPods: async (namespace = "default") => {
      const pods = await client.list(refs.pod, namespace);
      let started = 0;
      for (const pod of pods.filter(
        (p) => (p.status?.phase ?? "Pending") === "Pending" && !p.metadata.deletionTimestamp,
      )) {
        const ip = `127.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
        await run(
          KubeClient.pipe(
            Effect.flatMap((c) =>
              c.patchStatus(
                refs.pod,
                pod.metadata.name,
                {
                  type: "merge",
                  body: {
                    status: {
                      phase: "Running",
                      podIP: ip,
                      podIPs: [{ ip }],
                      conditions: [
                        { type: "PodScheduled", status: "True" },
                        { type: "Ready", status: "True" },
                      ],
                    },
                  },
                },
                { namespace },
              ),
            ),
            Effect.catchTag("NotFound", () => Effect.void),
          ),
        );
        started++;
      }
      return started;
    },
  };
  return client;
};

/**
 * Runs the controller (upstream's flags as `config`) against the API server `run` reaches; resolves once it
 * is ready, with the fiber to interrupt to stop it.
 */
export const startController = async (
  runtime: ManagedRuntime.ManagedRuntime<KubeClient, unknown>,
  config: Partial<ControllerConfig> = {},
  metrics = new ControllerMetrics(),
) => {
  const ready = Promise.withResolvers<void>();
  const controller = runtime.runFork(
    Effect.scoped(
      runController({
        config: { ...defaultControllerConfig, ...config },
        metrics,
        onReady: () => ready.resolve(),
      }),
    ),
  );
  await ready.promise;
  return controller;
};

export const startEnv = async (config: Partial<ControllerConfig> = {}): Promise<Env> => {
  const api = await startApiServer({ port: 0 });
  const runtime = ManagedRuntime.make(kubeLayer(api));
  const run: Run = (effect) => runtime.runPromise(effect);
  await installCrds(run);
  const metrics = new ControllerMetrics();
  const controller = await startController(runtime, config, metrics);
  return {
    ...clientHelpers(run),
    api,
    metrics,
    stop: async () => {
      await runtime.runPromise(Fiber.interrupt(controller));
      await runtime.dispose();
      await api.stop();
    },
  };
};

/**
 * Starts an Env for the whole suite (in beforeAll) and stops it afterwards; the returned function reads it
 * from tests and later hooks.
 */
export const envForSuite = (config: Partial<ControllerConfig> = {}): (() => Env) => {
  let env: Env | undefined;
  beforeAll(async () => {
    env = await startEnv(config);
  }, 30_000);
  afterAll(async () => {
    await env?.stop();
  }, 30_000);
  return () => {
    if (env === undefined) throw new Error("the suite's env is started in beforeAll; read it from tests");
    return env;
  };
};

export const condition = (o: Obj | undefined, type: string): Obj | undefined =>
  o?.status?.conditions?.find((c: Obj) => c.type === type);
