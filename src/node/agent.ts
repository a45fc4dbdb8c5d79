import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Data, Effect, Either, FiberMap, Stream } from "effect";
import type { Pod } from "../api/index";
import { KubeClient } from "../kube/client";
import { type Informer, makeInformer } from "../kube/informer";
import { refs, typedRef } from "../kube/resources";
import { retryUntilReachable } from "../kube/retry";
import type { CacheEvent } from "../kube/store";
import { bindPod, wantsScheduling } from "./binding";
import { parseLoopbackCidr } from "./cidr";
import type { AgentConfig } from "./config";
import { IpPool } from "./ip-pool";
import { chooseIsolation, realHostFs } from "./isolation";
import type { Isolation } from "./launch";
import { killLeftovers, nodeMark } from "./leftovers";
import { containerLogs, startLogServer } from "./log-server";
import { registerNode } from "./node-object";
import { logRuns, podDirOf } from "./pod-dirs";
import { runPod } from "./pod-worker";

export interface NodeAgentOptions {
  /** Name of the Node object (default `agent-sandbox-node`). */
  readonly nodeName?: string;
  /** Pods and PVC directories live here; PVC data survives pod deletion and agent restarts. */
  readonly stateDir: string;
  /** Pod IPs come from this loopback range (default `127.1.0.0/16`). */
  readonly podCidr?: string;
  /** `auto` (default) uses bubblewrap where it works; `none` runs plain child processes. */
  readonly isolation?: Isolation | "auto";
  /** Bind unscheduled pods to this node (default true): the agent is its own scheduler in local mode. */
  readonly schedule?: boolean;
  /** Crash-loop backoff (default 10 s doubling to 5 min, as kubelet). */
  readonly restartBackoff?: { readonly baseMs: number; readonly capMs: number };
  /** Cap on termination grace periods (default 30 s). */
  readonly maxGracePeriodSeconds?: number;
  /** Machine-wide directory of pod IP leases shared by all agents (default `<tmpdir>/agent-sandbox-pod-ips`). */
  readonly ipLeaseDir?: string;
  /**
   * The hosts file bound over `/etc/hosts` in a bubblewrap pod of the given namespace (local mode keeps
   * Service names in it, the bare ones of the pod's own namespace included).
   */
  readonly hostsFile?: (namespace: string) => string;
  /** An informer on every pod to share (local mode's node side keeps one); default: the agent starts its own. */
  readonly pods?: Informer<Pod>;
  /** Programs the image table runs (default: this Bun and this checkout's `src/runtime/main.ts`). */
  readonly bun?: string;
  readonly runtimeMain?: string;
}

export interface LogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** `follow`, `previous`, `timestamps`, `tailLines`, `limitBytes`, `sinceSeconds`, `sinceTime`. */
  readonly query?: URLSearchParams;
  readonly signal?: AbortSignal;
}

export interface NodeAgentHandle {
  readonly nodeName: string;
  readonly isolation: Isolation;
  /** Kubelet-style log endpoint: `<logUrl>/containerLogs/<ns>/<pod>/<container>`. */
  readonly logUrl: string;
  /** The same logs in-process, as a web Response (404/400 with a Kubernetes Status body). */
  readonly logs: (request: LogRequest) => Response;
  /**
   * The current log file of a container, for the API server's `pods/log`
   * (`ApiServerHandle.setPodLogSource`); undefined before the container first ran.
   */
  readonly podLogSource: (namespace: string, pod: string, container: string) => string | undefined;
}

export class NodeAgentError extends Data.TaggedError("NodeAgentError")<{ readonly message: string }> {}

const DEFAULT_NODE_NAME = "agent-sandbox-node";
const DEFAULT_POD_CIDR = "127.1.0.0/16";
const HOST_IP = "127.0.0.1";

const isTerminal = (pod: Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/**
 * The node agent: registers a Node, schedules unbound pods onto it, runs the pods bound to it as local
 * processes and reports their status, until the scope closes (then every pod is stopped gracefully).
 */
export const startNodeAgent = (
  options: NodeAgentOptions,
): Effect.Effect<NodeAgentHandle, NodeAgentError, KubeClient | import("effect").Scope.Scope> =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const nodeName = options.nodeName ?? DEFAULT_NODE_NAME;
    const podCidr = options.podCidr ?? DEFAULT_POD_CIDR;
    const range = parseLoopbackCidr(podCidr);
    if (Either.isLeft(range))
      return yield* new NodeAgentError({ message: `podCidr ${podCidr}: ${range.left.message}` });
    const stateDir = resolve(options.stateDir);
    const isolation = yield* Effect.promise(() => chooseIsolation(options.isolation ?? "auto"));
    const config: AgentConfig = {
      nodeName,
      stateDir,
      hostIP: HOST_IP,
      isolation,
      hostFs: realHostFs,
      bwrap: "bwrap",
      ...(options.hostsFile === undefined ? {} : { hostsFile: options.hostsFile }),
      images: {
        bun: options.bun ?? process.execPath,
        runtimeMain: options.runtimeMain ?? resolve(import.meta.dir, "../runtime/main.ts"),
        routerEntrypoint: resolve(import.meta.dir, "router-entrypoint.ts"),
        podCidr,
      },
      restartBackoff: options.restartBackoff ?? { baseMs: 10_000, capMs: 300_000 },
      maxGracePeriodSeconds: options.maxGracePeriodSeconds ?? 30,
      processMark: nodeMark(stateDir),
    };
    const leftovers = killLeftovers(config.processMark);
    if (leftovers > 0)
      yield* Effect.logWarning(
        `stopped ${leftovers} pod processes an earlier agent on ${stateDir} left running`,
      );
    const ips = new IpPool(range.right, options.ipLeaseDir ?? join(tmpdir(), "agent-sandbox-pod-ips"));
    yield* Effect.addFinalizer(() => Effect.sync(() => ips.releaseAll()));

    /** Pods bound here that have a worker, by uid; and where to find each by namespace/name. */
    const pods = new Map<string, Pod>();
    const graces = new Map<string, number>();
    const finalizing = new Set<string>();
    const binding = new Set<string>();
    const activeLogs = new Set<string>();

    const podDirByName = (namespace: string, name: string) => {
      for (const pod of pods.values())
        if (pod.metadata.namespace === namespace && pod.metadata.name === name)
          return podDirOf(stateDir, namespace, name, pod.metadata.uid ?? name);
      return undefined;
    };
    const logServer = yield* Effect.acquireRelease(
      Effect.sync(() => startLogServer(HOST_IP, podDirByName, (f) => activeLogs.has(f))),
      (server) => Effect.promise(() => server.stop(true)),
    );
    yield* registerNode(kube, {
      nodeName,
      hostIP: HOST_IP,
      podCidr,
      kubeletPort: logServer.port ?? 0,
      isolation,
    });

    // Declared after the log server and node so it closes first: pods stop before the node goes NotReady.
    const workers = yield* FiberMap.make<string>();

    const graceOf = (pod: Pod) =>
      pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;

    const startWorker = (pod: Pod) =>
      Effect.gen(function* () {
        const uid = pod.metadata.uid ?? "";
        const podIP = ips.allocate(uid, pod.status?.podIP);
        if (podIP === undefined) {
          yield* Effect.logWarning(
            `no free pod IP in ${podCidr} for pod ${pod.metadata.namespace}/${pod.metadata.name}`,
          );
          return;
        }
        pods.set(uid, pod);
        const worker = Effect.scoped(
          runPod(pod, {
            config,
            kube,
            podIP,
            graceSeconds: () => graces.get(uid) ?? graceOf(pod),
            activeLogs,
          }),
        ).pipe(Effect.ensuring(Effect.sync(() => ips.release(uid))));
        yield* FiberMap.run(workers, uid, worker);
      });

    /** Stops a pod's containers (SIGTERM, grace, SIGKILL), removes its files, then lets the API server drop it. */
    const finalize = (pod: Pod, alreadyDeleted: boolean) =>
      Effect.gen(function* () {
        const uid = pod.metadata.uid ?? "";
        const namespace = pod.metadata.namespace ?? "default";
        const name = pod.metadata.name ?? "";
        graces.set(uid, graceOf(pod));
        yield* FiberMap.remove(workers, uid);
        pods.delete(uid);
        yield* Effect.promise(() =>
          rm(podDirOf(stateDir, namespace, name, uid), { recursive: true, force: true }),
        );
        if (!alreadyDeleted)
          yield* kube
            .delete(refs.pod, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid } })
            .pipe(
              // The pod object would otherwise stay, terminating, for good: no later event brings it back.
              retryUntilReachable(),
              Effect.catchAll((e) =>
                e._tag === "NotFound" || e._tag === "Conflict"
                  ? Effect.void
                  : Effect.logWarning(`pod ${namespace}/${name} not deleted`, e),
              ),
            );
        graces.delete(uid);
      }).pipe(Effect.ensuring(Effect.sync(() => finalizing.delete(pod.metadata.uid ?? ""))));

    const onPod = (pod: Pod, deleted: boolean) =>
      Effect.gen(function* () {
        const uid = pod.metadata.uid ?? "";
        if (!deleted && options.schedule !== false && wantsScheduling(pod)) {
          if (binding.has(uid)) return;
          binding.add(uid);
          yield* Effect.forkScoped(
            bindPod(kube, pod, nodeName).pipe(Effect.ensuring(Effect.sync(() => binding.delete(uid)))),
          );
          return;
        }
        if (pod.spec.nodeName !== nodeName) return;
        if (deleted || pod.metadata.deletionTimestamp) {
          if (finalizing.has(uid)) return;
          finalizing.add(uid);
          yield* Effect.forkScoped(finalize(pod, deleted));
          return;
        }
        if (pods.has(uid)) {
          pods.set(uid, pod);
          return;
        }
        if (!isTerminal(pod)) yield* startWorker(pod);
      });

    const informer = options.pods ?? (yield* makeInformer(typedRef<Pod>(refs.pod)));
    yield* informer.stream.pipe(
      Stream.runForEach((event: CacheEvent<Pod>) =>
        event._tag === "Synced" ? Effect.void : onPod(event.object, event._tag === "Deleted"),
      ),
      Effect.forkScoped,
    );
    yield* informer.waitForSync;

    return {
      nodeName,
      isolation,
      podLogSource: (namespace, pod, container) => {
        const podDir = podDirByName(namespace, pod);
        return podDir === undefined ? undefined : logRuns(podDir, container).at(-1);
      },
      logUrl: `http://${HOST_IP}:${logServer.port}`,
      logs: (request: LogRequest) =>
        containerLogs(
          request.namespace,
          request.pod,
          request.container,
          request.query ?? new URLSearchParams(),
          podDirByName,
          (f) => activeLogs.has(f),
          request.signal ?? new AbortController().signal,
        ),
    };
  });
