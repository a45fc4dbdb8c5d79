// The Pod printer: NAME READY STATUS RESTARTS AGE (+ IP, NODE, NOMINATED NODE, READINESS GATES wide),
// with kubectl's rules for the STATUS column.
import { ageOf } from "./age";
import {
  AGE_COLUMN,
  type ColumnDefinition,
  column,
  field,
  list,
  NAME_COLUMN,
  type Obj,
  text,
} from "./columns";

export const POD_COLUMNS: ReadonlyArray<ColumnDefinition> = [
  NAME_COLUMN,
  column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
  column("Status", "The aggregate status of the containers in this pod."),
  column(
    "Restarts",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    0,
    "string",
  ),
  AGE_COLUMN,
  column("IP", "IP address allocated to the pod. Routable at least within the cluster.", 1),
  column("Node", "Name of the Node this pod is assigned to.", 1),
  column("Nominated Node", "Name of the node nominated by the scheduler to run this pod.", 1),
  column("Readiness Gates", "Pod readiness gates that are satisfied.", 1),
];

const containerState = (cs: Obj): { waiting?: string; terminated?: Obj } => {
  const waiting = text(field(cs, "state", "waiting", "reason"));
  const terminated = field(cs, "state", "terminated") as Obj | undefined;
  return { ...(waiting ? { waiting } : {}), ...(terminated ? { terminated } : {}) };
};

const terminatedReason = (t: Obj): string => {
  if (text(t.reason)) return text(t.reason);
  return t.signal ? `Signal:${String(t.signal)}` : `ExitCode:${String(t.exitCode ?? 0)}`;
};

const initStatus = (pod: Obj): string | undefined => {
  const inits = list(field(pod, "status", "initContainerStatuses"));
  const total = list(field(pod, "spec", "initContainers")).length;
  for (const [i, cs] of inits.entries()) {
    const { waiting, terminated } = containerState(cs);
    if (terminated && terminated.exitCode === 0) continue;
    if (terminated) return `Init:${terminatedReason(terminated)}`;
    if (waiting && waiting !== "PodInitializing") return `Init:${waiting}`;
    return `Init:${i}/${total}`;
  }
  return undefined;
};

const podStatus = (pod: Obj): string => {
  let reason = text(field(pod, "status", "reason"), text(field(pod, "status", "phase"), "Pending"));
  const init = initStatus(pod);
  if (init !== undefined) reason = init;
  else {
    let running = false;
    for (const cs of [...list(field(pod, "status", "containerStatuses"))].reverse()) {
      const { waiting, terminated } = containerState(cs);
      if (waiting) reason = waiting;
      else if (terminated) reason = terminatedReason(terminated);
      else if (cs.ready === true || field(cs, "state", "running") !== undefined) running = true;
    }
    if (reason === "Completed" && running) reason = "Running";
  }
  if (field(pod, "metadata", "deletionTimestamp") !== undefined) {
    reason = text(field(pod, "status", "reason")) === "NodeLost" ? "Unknown" : "Terminating";
  }
  return reason;
};

const restarts = (pod: Obj, now: number): string => {
  const statuses = list(field(pod, "status", "containerStatuses"));
  const total = statuses.reduce(
    (n, cs) => n + (typeof cs.restartCount === "number" ? cs.restartCount : 0),
    0,
  );
  const last = statuses
    .map((cs) => text(field(cs, "lastState", "terminated", "finishedAt")))
    .filter((t) => t !== "")
    .sort()
    .at(-1);
  return total > 0 && last ? `${total} (${ageOf(last, now)} ago)` : String(total);
};

const readinessGates = (pod: Obj): string => {
  const gates = list(field(pod, "spec", "readinessGates"));
  if (gates.length === 0) return "<none>";
  const conditions = list(field(pod, "status", "conditions"));
  const ok = gates.filter((g) =>
    conditions.some((c) => c.type === g.conditionType && c.status === "True"),
  ).length;
  return `${ok}/${gates.length}`;
};

export const podCells = (pod: Obj, now: number): unknown[] => {
  const containers = list(field(pod, "spec", "containers")).length;
  const ready = list(field(pod, "status", "containerStatuses")).filter((cs) => cs.ready === true).length;
  return [
    text(field(pod, "metadata", "name")),
    `${ready}/${containers}`,
    podStatus(pod),
    restarts(pod, now),
    ageOf(field(pod, "metadata", "creationTimestamp"), now),
    text(field(pod, "status", "podIP"), "<none>"),
    text(field(pod, "spec", "nodeName"), "<none>"),
    text(field(pod, "status", "nominatedNodeName"), "<none>"),
    readinessGates(pod),
  ];
};
