// Local mode: the whole system in one process tree — API server, controller, node agent, router — all
// living in the caller's scope, so Ctrl-C (scope close) stops every part and every pod process.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Deferred, Duration, Effect, Schedule, type Scope } from "effect";
import type { Pod, v1beta1 } from "../api/index";
import { SERVICE_CIDR } from "../apiserver/cluster-ip";
import { ApiServer } from "../apiserver/index";
import { SHARED_WITH_CONTROLLER } from "../controller/caches";
import { runController } from "../controller/manager";
import { KubeClient, type KubeObject, makeInformer, type ResourceRef, refs, typedRef } from "../kube/index";
import { startNodeAgent } from "../node/index";
import {
  feedSandboxIndex,
  feedSandboxIndexFrom,
  type IndexInformers,
  routerScoped,
  SandboxIndex,
} from "../router/index";
import { startClusterProxy } from "./cluster-proxy";
import type { LocalConfig } from "./config";
import { installCrds } from "./crds";
import { DEFAULT_WARM_POOL_NAME, defaultTemplate, defaultWarmPool } from "./defaults";
import { runDeploymentController } from "./deployments";
import { runHostsFiles } from "./hosts-file";
import { step } from "./progress";
import { runServiceProxy } from "./service-proxy";
import type { Service } from "./service-routing";

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

/** Shows a part starting (`step` in `bun run local`); `silent` for callers with their own output. */
export type Progress = <A, E, R>(
  name: string,
  effect: Effect.Effect<A, E, R>,
  detail?: (a: A) => string,
) => Effect.Effect<A, E, R>;

const silent: Progress = (_name, effect) => effect;

export interface NodeSideConfig {
  readonly stateDir: string;
  readonly host: string;
  readonly proxyPort?: number;
  readonly namespace: string;
  readonly isolation: boolean;
}

/**
 * Everything that runs pods and Services against a running API server: the CRDs, the hosts file of
 * Service names, the node agent, the Deployment controller, the Service proxy and the cluster-name proxy.
 */
export const startNodeSide = (config: NodeSideConfig, progress: Progress = silent) =>
  Effect.gen(function* () {
    yield* progress("CRDs", installCrds, (n) => `${n} installed`);
    // One informer each on Services and pods for the whole of local mode: hosts files, node agent,
    // Deployments, Service proxy, cluster-name proxy and the controller.
    const services = yield* makeInformer(typedRef<Service>(refs.service), SHARED_WITH_CONTROLLER);
    const pods = yield* makeInformer(typedRef<Pod>(refs.pod), SHARED_WITH_CONTROLLER);
    const hosts = yield* runHostsFiles(join(config.stateDir, "etc-hosts"), services, pods);
    const node = yield* progress(
      "node agent",
      startNodeAgent({
        stateDir: join(config.stateDir, "node"),
        podCidr: LOCAL_POD_CIDR,
        isolation: config.isolation ? "auto" : "none",
        hostsFile: hosts.pathFor,
        pods,
      }),
      (handle) => `${handle.nodeName}, isolation: ${handle.isolation}`,
    );
    yield* progress("deployment controller", runDeploymentController(pods));
    yield* progress("service proxy", runServiceProxy(services, pods), () => `ClusterIPs on ${SERVICE_CIDR}`);
    const proxy = yield* progress(
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
    return { node, proxyUrl: proxy.url, pods, services };
  });

/** The default template and warm pool, created only when missing so a user's edits survive a restart. */
export const ensureDefaults = (namespace: string, warmPoolReplicas: number, progress: Progress = silent) =>
  progress(
    "default template and warm pool",
    Effect.all([
      createIfMissing(refs.sandboxTemplate, defaultTemplate(namespace)),
      createIfMissing(refs.sandboxWarmPool, defaultWarmPool(namespace, warmPoolReplicas)),
    ]),
    ([template, pool]) => `template ${template}, pool ${pool}`,
  );

/** Local mode's own router with its resolution index; returns once the index has the initial lists. */
export const startLocalRouter = (
  config: { readonly host: string; readonly port: number },
  progress: Progress = silent,
  /** Informers to feed the index from; without them the router watches Sandboxes and claims itself. */
  informers?: IndexInformers,
) =>
  Effect.gen(function* () {
    const index = new SandboxIndex();
    yield* Effect.forkScoped(
      informers === undefined ? feedSandboxIndex(index) : feedSandboxIndexFrom(index, informers),
    );
    const router = yield* progress(
      "router",
      routerScoped({
        hostname: config.host,
        port: config.port,
        metricsPort: null,
        auth: { mode: "none" },
        allowUnauthenticated: true,
        localPodCidrs: [LOCAL_POD_CIDR],
        index,
      }),
      (handle) => handle.url,
    );
    yield* progress(
      "router index synced",
      Effect.sync(() => index.isSynced).pipe(
        Effect.repeat(
          Schedule.recurUntil((synced: boolean) => synced).pipe(Schedule.addDelay(() => Duration.millis(50))),
        ),
        Effect.timeoutFail({
          duration: Duration.minutes(1),
          onTimeout: () => new Error("router index did not sync"),
        }),
      ),
      () => `${index.size} sandboxes`,
    );
    return { url: router.url, index };
  });

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
      const side = yield* startNodeSide(config, step);
      api.setPodLogSource(side.node.podLogSource);

      // The controller's Sandbox and claim caches feed the router's index too.
      const sandboxes = yield* makeInformer(typedRef<v1beta1.Sandbox>(refs.sandbox), SHARED_WITH_CONTROLLER);
      const claims = yield* makeInformer(
        typedRef<v1beta1.SandboxClaim>(refs.sandboxClaim),
        SHARED_WITH_CONTROLLER,
      );
      const controllerReady = yield* Deferred.make<void>();
      yield* Effect.forkScoped(
        runController({
          onReady: () => Deferred.unsafeDone(controllerReady, Effect.void),
          informers: { Pod: side.pods, Service: side.services, Sandbox: sandboxes, SandboxClaim: claims },
        }),
      );
      yield* step("controller", Deferred.await(controllerReady));

      yield* ensureDefaults(config.namespace, config.warmPoolReplicas, step);
      yield* step(
        "warm pool ready",
        awaitWarmPool(config.namespace, Duration.minutes(3)),
        (p) => `${p.ready}/${p.wanted} sandboxes`,
      );
      const router = yield* startLocalRouter({ host: config.host, port: config.routerPort }, step, {
        sandboxes,
        claims,
      });
      return {
        apiUrl: api.url,
        routerUrl: router.url,
        proxyUrl: side.proxyUrl,
        kubeconfigPath,
      } satisfies LocalSystem;
    });
    // Every part of local mode lives in the API server's process, so they call its handler directly: no
    // sockets, HTTP or TLS between them (users still come through the listener and the kubeconfig).
    const inProcess = {
      url: api.url,
      token: api.token,
      ...(api.caData ? { caData: api.caData } : {}),
      fetch: api.fetch,
    };
    return yield* Effect.provide(rest, KubeClient.layer(inProcess));
  });
