// kubectl's columns for the built-in kinds of named API groups.
import { humanDuration } from "./age";
import {
  AGE_COLUMN,
  column,
  field,
  list,
  NAME_COLUMN,
  num,
  type Obj,
  objectAge,
  objectName,
  type Printer,
  selectorText,
  text,
} from "./columns";

const subjects = (o: Obj, kind: string): string =>
  list(o.subjects)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === "ServiceAccount" ? `${text(s.namespace)}/${text(s.name)}` : text(s.name)))
    .join(", ");

const CREATED_AT: Printer = {
  columns: [NAME_COLUMN, column("Created At", "Time at which the object was created.", 0, "date")],
  cells: (o) => [objectName(o), text(field(o, "metadata", "creationTimestamp"), "<unknown>")],
};

const BINDING: Printer = {
  columns: [
    NAME_COLUMN,
    column("Role", "The role that is bound."),
    AGE_COLUMN,
    column("Users", "Users in the binding.", 1),
    column("Groups", "Groups in the binding.", 1),
    column("ServiceAccounts", "ServiceAccounts in the binding.", 1),
  ],
  cells: (o, now) => [
    objectName(o),
    `${text(field(o, "roleRef", "kind"))}/${text(field(o, "roleRef", "name"))}`,
    objectAge(o, now),
    subjects(o, "User"),
    subjects(o, "Group"),
    subjects(o, "ServiceAccount"),
  ],
};

const hasTrueCondition = (o: Obj, type: string): boolean =>
  list(field(o, "status", "conditions")).some((c) => c.type === type && c.status === "True");

/** kubectl's STATUS of a Job: the first that holds, in kube's order. */
const jobStatus = (o: Obj): string => {
  if (hasTrueCondition(o, "Complete")) return "Complete";
  if (hasTrueCondition(o, "Failed")) return "Failed";
  if (field(o, "metadata", "deletionTimestamp") !== undefined) return "Terminating";
  if (hasTrueCondition(o, "Suspended")) return "Suspended";
  if (hasTrueCondition(o, "FailureTarget")) return "FailureTarget";
  return "Running";
};

/** `succeeded/completions`; without completions `succeeded/1`, with ` of <parallelism>` above 1. */
const jobCompletions = (o: Obj): string => {
  const succeeded = num(field(o, "status", "succeeded"));
  const completions = field(o, "spec", "completions");
  if (typeof completions === "number") return `${succeeded}/${completions}`;
  const parallelism = num(field(o, "spec", "parallelism"));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
};

/** From start to completion, or to now while running; empty before the Job starts. */
const jobDuration = (o: Obj, now: number): string => {
  const start = Date.parse(text(field(o, "status", "startTime")));
  if (Number.isNaN(start)) return "";
  const completed = Date.parse(text(field(o, "status", "completionTime")));
  return humanDuration((Number.isNaN(completed) ? now : completed) - start);
};

const containerColumns = [
  column("Containers", "Names of each container in the template.", 1),
  column("Images", "Images referenced by each container in the template.", 1),
];

const templateContainers = (o: Obj): string[] => {
  const containers = list(field(o, "spec", "template", "spec", "containers"));
  return [containers.map((c) => text(c.name)).join(","), containers.map((c) => text(c.image)).join(",")];
};

/** Kinds of the named groups: networking, coordination, apiextensions, RBAC, apps, batch and policy. */
export const API_GROUP_PRINTERS: ReadonlyArray<readonly [string, Printer]> = [
  [
    "networking.k8s.io/NetworkPolicy",
    {
      columns: [NAME_COLUMN, column("Pod-Selector", "The pods the policy applies to."), AGE_COLUMN],
      cells: (o, now) => [objectName(o), selectorText(field(o, "spec", "podSelector")), objectAge(o, now)],
    },
  ],
  [
    "coordination.k8s.io/Lease",
    {
      columns: [NAME_COLUMN, column("Holder", "The holder of the lease."), AGE_COLUMN],
      cells: (o, now) => [objectName(o), text(field(o, "spec", "holderIdentity")), objectAge(o, now)],
    },
  ],
  ["apiextensions.k8s.io/CustomResourceDefinition", CREATED_AT],
  ["rbac.authorization.k8s.io/Role", CREATED_AT],
  ["rbac.authorization.k8s.io/ClusterRole", CREATED_AT],
  ["rbac.authorization.k8s.io/RoleBinding", BINDING],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", BINDING],
  [
    "apps/Deployment",
    {
      columns: [
        NAME_COLUMN,
        column("Ready", "Number of the pod with ready state."),
        column(
          "Up-to-date",
          "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
          0,
          "integer",
        ),
        column(
          "Available",
          "Total number of available pods (ready for at least minReadySeconds).",
          0,
          "integer",
        ),
        AGE_COLUMN,
        ...containerColumns,
        column("Selector", "Label selector for pods.", 1),
      ],
      cells: (o, now) => [
        objectName(o),
        `${num(field(o, "status", "readyReplicas"))}/${num(field(o, "spec", "replicas") ?? 1)}`,
        num(field(o, "status", "updatedReplicas")),
        num(field(o, "status", "availableReplicas")),
        objectAge(o, now),
        ...templateContainers(o),
        selectorText(field(o, "spec", "selector")),
      ],
    },
  ],
  [
    "batch/Job",
    {
      columns: [
        NAME_COLUMN,
        column("Status", "Status of the job."),
        column("Completions", "The number of pods which reached phase Succeeded."),
        column("Duration", "Time required to complete the job."),
        AGE_COLUMN,
        ...containerColumns,
        column("Selector", "A label query over pods that should match the pod count.", 1),
      ],
      cells: (o, now) => [
        objectName(o),
        jobStatus(o),
        jobCompletions(o),
        jobDuration(o, now),
        objectAge(o, now),
        ...templateContainers(o),
        selectorText(field(o, "spec", "selector")),
      ],
    },
  ],
  [
    "policy/PodDisruptionBudget",
    {
      columns: [
        NAME_COLUMN,
        column("Min Available", "The minimum number or percentage of available pods."),
        column("Max Unavailable", "The maximum number or percentage of unavailable pods."),
        column("Allowed Disruptions", "The number of allowed disruptions.", 0, "integer"),
        AGE_COLUMN,
      ],
      cells: (o, now) => [
        objectName(o),
        String(field(o, "spec", "minAvailable") ?? "N/A"),
        String(field(o, "spec", "maxUnavailable") ?? "N/A"),
        num(field(o, "status", "disruptionsAllowed")),
        objectAge(o, now),
      ],
    },
  ],
];
