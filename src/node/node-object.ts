import { arch, cpus, hostname, totalmem } from "node:os";
import { Effect, Schedule } from "effect";
import type { KubeClientApi } from "../kube/client";
import { refs } from "../kube/resources";

/** How often the node's Ready condition is refreshed (kubelet's default node status update frequency). */
const HEARTBEAT = "10 seconds";

export interface NodeInfo {
  readonly nodeName: string;
  readonly hostIP: string;
  readonly podCidr: string;
  /** Where the node serves container logs (kubelet's endpoint). */
  readonly kubeletPort: number;
  readonly isolation: string;
}

/** The node's status; `since` is when its conditions last changed (registration, or the stop). */
const nodeStatus = (info: NodeInfo, ready: boolean, now: string, since: string) => {
  const resources = { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: "110" };
  const condition = (type: string, status: "True" | "False", reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return {
    conditions: [
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "node agent has sufficient memory"),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "node agent has no disk pressure"),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "node agent has sufficient PID"),
      ready
        ? condition(
            "Ready",
            "True",
            "KubeletReady",
            `agent-sandbox node agent is posting ready status (isolation: ${info.isolation})`,
          )
        : condition("Ready", "False", "KubeletNotReady", "agent-sandbox node agent stopped"),
    ],
    addresses: [
      { type: "InternalIP", address: info.hostIP },
      { type: "Hostname", address: hostname() },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: info.kubeletPort } },
    capacity: resources,
    allocatable: resources,
    nodeInfo: {
      architecture: arch() === "x64" ? "amd64" : arch(),
      operatingSystem: "linux",
      osImage: "agent-sandbox local node",
      kernelVersion: "",
      kubeletVersion: "v1.31.0-agent-sandbox",
      kubeProxyVersion: "",
      containerRuntimeVersion: `agent-sandbox://${info.isolation}`,
      machineID: "",
      systemUUID: "",
      bootID: "",
    },
  };
};

const writeStatus = (kube: KubeClientApi, info: NodeInfo, ready: boolean, since: string) =>
  kube.patchStatus(refs.node, info.nodeName, {
    type: "merge",
    body: { status: nodeStatus(info, ready, new Date().toISOString(), since) },
  });

/**
 * Registers the Node (creating it if needed), keeps its Ready condition fresh, and marks it not ready
 * when the scope closes. Registration failures are logged and retried by the heartbeat.
 */
export const registerNode = (kube: KubeClientApi, info: NodeInfo) =>
  Effect.gen(function* () {
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: info.nodeName,
        labels: {
          "kubernetes.io/hostname": info.nodeName,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": arch() === "x64" ? "amd64" : arch(),
          "node.kubernetes.io/instance-type": "agent-sandbox-local",
        },
      },
      spec: { podCIDR: info.podCidr, podCIDRs: [info.podCidr] },
    };
    const since = new Date().toISOString();
    const register = kube.create(refs.node, node).pipe(
      Effect.catchTag("AlreadyExists", () => Effect.void),
      Effect.zipRight(writeStatus(kube, info, true, since)),
      Effect.catchAll((e) => Effect.logWarning(`node ${info.nodeName} status not written`, e)),
    );
    yield* register;
    yield* Effect.forkScoped(Effect.schedule(register, Schedule.spaced(HEARTBEAT)));
    yield* Effect.addFinalizer(() =>
      writeStatus(kube, info, false, new Date().toISOString()).pipe(
        Effect.timeout("2 seconds"),
        Effect.ignore,
      ),
    );
  });
