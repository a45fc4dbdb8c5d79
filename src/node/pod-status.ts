import type { ContainerRecord, ContainerState, RestartPolicy } from "./container-state";

/** Everything the agent tracks about a pod, from which its `status` is derived. */
export interface PodRecord {
  readonly restartPolicy: RestartPolicy;
  readonly hostIP: string;
  readonly podIP?: string;
  readonly startTime: string;
  readonly initContainers: readonly ContainerRecord[];
  readonly containers: readonly ContainerRecord[];
  /** A failure of the pod as a whole (e.g. a volume that cannot be set up). */
  readonly failure?: { readonly reason: string; readonly message: string; readonly fatal: boolean };
}

export type Phase = "Pending" | "Running" | "Succeeded" | "Failed";

const exitCodeOf = (c: ContainerRecord): number | undefined =>
  c.state._tag === "Terminated" ? c.state.exitCode : undefined;

/** Init containers are done when each one has exited 0. */
export const initialized = (record: PodRecord): boolean =>
  record.initContainers.every((c) => exitCodeOf(c) === 0);

const initFailedForGood = (record: PodRecord): boolean =>
  record.restartPolicy === "Never" && record.initContainers.some((c) => (exitCodeOf(c) ?? 0) !== 0);

/** The pod phase by kubelet's rules (`getPhase`), from the containers' states and the restart policy. */
export const podPhase = (record: PodRecord): Phase => {
  if (record.failure?.fatal || initFailedForGood(record)) return "Failed";
  if (!initialized(record)) return "Pending";
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const c of record.containers) {
    if (c.state._tag === "Running") running++;
    else if (c.state._tag === "Terminated") {
      if (c.state.exitCode === 0) succeeded++;
      else failed++;
    } else if (c.lastTerminated !== undefined)
      running++; // restarting after a crash: still a running pod
    else waiting++;
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  const stopped = succeeded + failed;
  if (stopped === 0) return "Pending";
  if (record.restartPolicy === "Always") return "Running";
  if (succeeded === stopped) return "Succeeded";
  if (record.restartPolicy === "Never") return "Failed";
  return "Running";
};

export interface Condition {
  readonly type: string;
  readonly status: "True" | "False";
  readonly reason?: string;
  readonly message?: string;
  readonly lastProbeTime: null;
  readonly lastTransitionTime: string;
}

const notReadyNames = (record: PodRecord): string[] =>
  record.containers.filter((c) => !c.ready).map((c) => c.name);

/**
 * The four conditions kubelet reports. A condition keeps its `lastTransitionTime` while its status
 * stays the same (`previous` is the pod's current list).
 */
export const podConditions = (
  record: PodRecord,
  previous: readonly { type: string; status: string; lastTransitionTime?: string | null }[],
  now: string,
): Condition[] => {
  const phase = podPhase(record);
  const init = initialized(record);
  const unready = notReadyNames(record);
  const terminal = phase === "Succeeded" || phase === "Failed";
  const containersReady = init && unready.length === 0 && !terminal;
  const reasonNotReady = terminal ? "PodCompleted" : "ContainersNotReady";
  const messageNotReady = terminal ? undefined : `containers with unready status: [${unready.join(" ")}]`;
  const make = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const status = ok ? "True" : "False";
    const before = previous.find((c) => c.type === type);
    return {
      type,
      status,
      ...(ok || reason === undefined ? {} : { reason }),
      ...(ok || message === undefined ? {} : { message }),
      lastProbeTime: null,
      lastTransitionTime:
        before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
    };
  };
  const pendingInit = record.initContainers.filter((c) => exitCodeOf(c) !== 0).map((c) => c.name);
  return [
    make("PodScheduled", true),
    make(
      "Initialized",
      init,
      "ContainersNotInitialized",
      `containers with incomplete status: [${pendingInit.join(" ")}]`,
    ),
    make("ContainersReady", containersReady, reasonNotReady, messageNotReady),
    make("Ready", containersReady, reasonNotReady, messageNotReady),
  ];
};

const stateJson = (state: ContainerState) => {
  switch (state._tag) {
    case "Waiting":
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case "Running":
      return { running: { startedAt: state.startedAt } };
    case "Terminated":
      return {
        terminated: {
          exitCode: state.exitCode,
          ...(state.signal === undefined ? {} : { signal: state.signal }),
          reason: state.reason,
          ...(state.message ? { message: state.message } : {}),
          startedAt: state.startedAt,
          finishedAt: state.finishedAt,
        },
      };
  }
};

const containerStatusJson = (c: ContainerRecord) => ({
  name: c.name,
  image: c.image,
  imageID: `agent-sandbox://${c.image}`,
  ...(c.containerID ? { containerID: c.containerID } : {}),
  ready: c.ready,
  started: c.state._tag === "Running" && c.started,
  restartCount: c.restartCount,
  state: stateJson(c.state),
  lastState: c.lastTerminated ? stateJson(c.lastTerminated) : {},
});

/** The pod's `status`, as the agent writes it through the status subresource. */
export const podStatus = (
  record: PodRecord,
  previousConditions: readonly { type: string; status: string; lastTransitionTime?: string | null }[],
  now: string,
) => {
  const phase = podPhase(record);
  return {
    phase,
    conditions: podConditions(record, previousConditions, now),
    ...(record.failure ? { reason: record.failure.reason, message: record.failure.message } : {}),
    hostIP: record.hostIP,
    hostIPs: [{ ip: record.hostIP }],
    ...(record.podIP ? { podIP: record.podIP, podIPs: [{ ip: record.podIP }] } : {}),
    startTime: record.startTime,
    ...(record.initContainers.length > 0
      ? { initContainerStatuses: record.initContainers.map(containerStatusJson) }
      : {}),
    containerStatuses: record.containers.map(containerStatusJson),
    qosClass: "BestEffort",
  };
};
