// Local mode: the whole system in one process tree — API server, controller, node agent, router — all
// living in the caller's scope, so Ctrl-C (scope close) stops every part and every pod process.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Deferred, Duration, Effect, Schedule, type Scope } from "effect";
import { SERVICE_CIDR } from "../apiserver/cluster-ip";
import { ApiServer } from "../apiserver/index";
import { runController } from "../controller/manager";
import { KubeClient, type KubeObject, makeInformer, type ResourceRef, refs, typedRef } from "../kube/index";
import { startNodeAgent } from "../node/index";
import { feedSandboxIndex, routerScoped, SandboxIndex } from "../router/index";
import { startClusterProxy } from "./cluster-proxy";
import type { LocalConfig } from "./config";
import { installCrds } from "./crds";
import { DEFAULT_WARM_POOL_NAME, defaultTemplate, defaultWarmPool } from "./defaults";
import { runDeploymentController } from "./deployments";
import { step } from "./progress";
import { runServiceProxy } from "./service-proxy";
import type { EndpointPod, Service } from "./service-routing";

/** Loopback range the node agent hands pod IPs out of; the router may dial it through X-Sandbox-Pod-IP. */
export const LOCAL_POD_CIDR = "127.1.0.0/16";

export interface LocalSystem {
  readonly apiUrl: string;
  readonly routerUrl: string;
  /** The HTTP proxy that resolves cluster Service names (`HTTP_PROXY`). */
  readonly proxyUrl: string;
  readonly kubeconfigPath: string;
}

const createIfMissing = (ref: ResourceRef, object: KubeObject) =>
  Effect.flatMap(KubeClient, (kube) =>
    kube.create(ref, object).pipe(
      Effect.as("created"),
      Effect.catchTag("AlreadyExists", () => Effect.succeed("kept")),
    ),
  );

interface PoolStatus extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

/** Waits (bounded) until the default pool has all its members Ready; returns how many are. */
const awaitWarmPool = (namespace: string, timeout: Duration.DurationInput) =>
  Effect.flatMap(KubeClient, (kube) =>
    kube.get<PoolStatus>(refs.sandboxWarmPool, DEFAULT_WARM_POOL_NAME, { namespace }).pipe(
      Effect.map((pool) => ({ ready: pool.status?.readyReplicas ?? 0, wanted: pool.spec?.replicas ?? 0 })),
      Effect.repeat(
        Schedule.recurUntil((p: { ready: number; wanted: number }) => p.ready >= p.wanted).pipe(
          Schedule.addDelay(() => Duration.millis(250)),
        ),
      ),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => new Error(`warm pool ${namespace}/${DEFAULT_WARM_POOL_NAME} not ready in time`),
      }),
    ),
  );

export const startLocal = (config: LocalConfig): Effect.Effect<LocalSystem, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => mkdir(config.stateDir, { recursive: true }));
    const kubeconfigPath = join(config.stateDir, "kubeconfig");
    const api = yield* step(
      "API server",
      ApiServer.scoped({
        host: config.host,
        port: config.apiPort,
        storage: join(config.stateDir, "store.sqlite"),
        tls: true,
        kubeconfigPath,
      }),
      (handle) => handle.url,
    );

    const rest = Effect.gen(function* () {
      yield* step("CRDs", installCrds, (n) => `${n} installed`);

      const node = yield* step(
        "node agent",
        startNodeAgent({
          stateDir: join(config.stateDir, "node"),
          podCidr: LOCAL_POD_CIDR,
          isolation: config.isolation ? "auto" : "none",
        }),
        (handle) => `${handle.nodeName}, isolation: ${handle.isolation}`,
      );
      api.setPodLogSource(node.podLogSource);

      yield* step("deployment controller", runDeploymentController);
      const services = yield* makeInformer(typedRef<Service>(refs.service));
      const pods = yield* makeInformer(typedRef<EndpointPod>(refs.pod));
      yield* step("service proxy", runServiceProxy(services, pods), () => `ClusterIPs on ${SERVICE_CIDR}`);
      const proxy = yield* step(
        "cluster-name proxy",
        startClusterProxy({
          host: config.host,
          port: config.proxyPort ?? 0,
          namespace: config.namespace,
          services,
          pods,
        }),
        (handle) => handle.url,
      );

      const controllerReady = yield* Deferred.make<void>();
      yield* Effect.forkScoped(
        runController({ onReady: () => Deferred.unsafeDone(controllerReady, Effect.void) }),
      );
      yield* step("controller", Deferred.await(controllerReady));

      yield* step(
        "default template and warm pool",
        Effect.all([
          createIfMissing(refs.sandboxTemplate, defaultTemplate(config.namespace)),
          createIfMissing(refs.sandboxWarmPool, defaultWarmPool(config.namespace, config.warmPoolReplicas)),
        ]),
        ([template, pool]) => `template ${template}, pool ${pool}`,
      );
      yield* step(
        "warm pool ready",
        awaitWarmPool(config.namespace, Duration.minutes(3)),
        (p) => `${p.ready}/${p.wanted} sandboxes`,
      );

      const index = new SandboxIndex();
      yield* Effect.forkScoped(feedSandboxIndex(index));
      const router = yield* step(
        "router",
        routerScoped({
          hostname: config.host,
          port: config.routerPort,
          metricsPort: null,
          auth: { mode: "none" },
          allowUnauthenticated: true,
          localPodCidrs: [LOCAL_POD_CIDR],
          index,
        }),
        (handle) => handle.url,
      );
      // The router turns ready once its index has the initial lists; local mode is up only then.
      yield* step(
        "router index synced",
        Effect.sync(() => index.isSynced).pipe(
          Effect.repeat(
            Schedule.recurUntil((synced: boolean) => synced).pipe(
              Schedule.addDelay(() => Duration.millis(50)),
            ),
          ),
          Effect.timeoutFail({
            duration: Duration.minutes(1),
            onTimeout: () => new Error("router index did not sync"),
          }),
        ),
        () => `${index.size} sandboxes`,
      );
      return {
        apiUrl: api.url,
        routerUrl: router.url,
        proxyUrl: proxy.url,
        kubeconfigPath,
      } satisfies LocalSystem;
    });
    return yield* Effect.provide(rest, KubeClient.layer(kubeconfigPath));
  });
