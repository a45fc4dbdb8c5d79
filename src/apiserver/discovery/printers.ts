// Built-in Table printers: kubectl's default columns for each built-in kind (kube-apiserver's
// pkg/printers), keyed by `group/kind`. Kinds without an entry print NAME and AGE.
import { ageOf } from "./age";
import {
  AGE_COLUMN,
  type ColumnDefinition,
  column,
  count,
  field,
  list,
  NAME_COLUMN,
  type Obj,
  selectorText,
  text,
} from "./columns";
import { POD_COLUMNS, podCells } from "./printers-pod";

export interface Printer {
  readonly columns: ReadonlyArray<ColumnDefinition>;
  /** Cells for every column, wide ones included, in column order. */
  readonly cells: (o: Obj, now: number) => unknown[];
}

const name = (o: Obj) => text(field(o, "metadata", "name"));
const age = (o: Obj, now: number) => ageOf(field(o, "metadata", "creationTimestamp"), now);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const orNone = (v: unknown) => text(v, "<none>");

const servicePorts = (svc: Obj): string => {
  const ports = list(field(svc, "spec", "ports")).map(
    (p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ""}/${text(p.protocol, "TCP")}`,
  );
  return ports.length > 0 ? ports.join(",") : "<none>";
};

const externalIPs = (svc: Obj): string => {
  const ingress = list(field(svc, "status", "loadBalancer", "ingress")).map((i) =>
    text(i.ip, text(i.hostname)),
  );
  const ips = [...((field(svc, "spec", "externalIPs") as string[] | undefined) ?? []), ...ingress].filter(
    Boolean,
  );
  if (ips.length > 0) return ips.join(",");
  return field(svc, "spec", "type") === "LoadBalancer" ? "<pending>" : "<none>";
};

const endpoints = (ep: Obj): string => {
  const all = list(field(ep, "subsets")).flatMap((s) =>
    list(s.addresses).flatMap((a) =>
      list(s.ports).length > 0 ? list(s.ports).map((p) => `${text(a.ip)}:${String(p.port)}`) : [text(a.ip)],
    ),
  );
  if (all.length === 0) return "<none>";
  return all.length > 3 ? `${all.slice(0, 3).join(",")} + ${all.length - 3} more...` : all.join(",");
};

const ACCESS_MODES: Readonly<Record<string, string>> = {
  ReadWriteOnce: "RWO",
  ReadOnlyMany: "ROX",
  ReadWriteMany: "RWX",
  ReadWriteOncePod: "RWOP",
};

const subjects = (o: Obj, kind: string): string =>
  list(o.subjects)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === "ServiceAccount" ? `${text(s.namespace)}/${text(s.name)}` : text(s.name)))
    .join(", ");

const EVENT: Printer = {
  columns: [
    column("Last Seen", "Time when this event was last observed."),
    column("Type", "Type of this event (Normal, Warning)."),
    column("Reason", "Why the action was taken."),
    column("Object", "The object that this event is about."),
    column("Subobject", "The subobject (field) this event is about.", 1),
    column("Source", "The component reporting this event.", 1),
    column("Message", "A human-readable description of the status of this operation."),
    column("First Seen", "The time at which the event was first recorded.", 1),
    column("Count", "The number of times this event has occurred.", 1, "integer"),
    column("Name", "Name of the event.", 1),
  ],
  cells: (e, now) => {
    const involved = (field(e, "involvedObject") ?? field(e, "regarding")) as Obj | undefined;
    const last = text(e.lastTimestamp, text(e.eventTime, text(field(e, "series", "lastObservedTime"))));
    const first = text(e.firstTimestamp, text(e.eventTime));
    const source = text(
      field(e, "source", "component"),
      text(e.reportingController, text(e.reportingComponent)),
    );
    return [
      last ? ageOf(last, now) : "<unknown>",
      text(e.type),
      text(e.reason),
      `${text(field(involved, "kind")).toLowerCase()}/${text(field(involved, "name"))}`,
      text(field(involved, "fieldPath")),
      source,
      text(e.message, text(e.note)),
      first ? ageOf(first, now) : "<unknown>",
      typeof e.count === "number" ? e.count : num(field(e, "series", "count")) || 1,
      name(e),
    ];
  },
};

const CREATED_AT: Printer = {
  columns: [NAME_COLUMN, column("Created At", "Time at which the object was created.", 0, "date")],
  cells: (o) => [name(o), text(field(o, "metadata", "creationTimestamp"), "<unknown>")],
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
    name(o),
    `${text(field(o, "roleRef", "kind"))}/${text(field(o, "roleRef", "name"))}`,
    age(o, now),
    subjects(o, "User"),
    subjects(o, "Group"),
    subjects(o, "ServiceAccount"),
  ],
};

export const BUILTIN_PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ["/Pod", { columns: POD_COLUMNS, cells: podCells }],
  [
    "/Namespace",
    {
      columns: [NAME_COLUMN, column("Status", "The status of the namespace."), AGE_COLUMN],
      cells: (o, now) => [name(o), text(field(o, "status", "phase"), "Active"), age(o, now)],
    },
  ],
  [
    "/Service",
    {
      columns: [
        NAME_COLUMN,
        column("Type", "The type of the service."),
        column("Cluster-IP", "The cluster ip of the service."),
        column("External-IP", "The external ip of the service."),
        column("Port(s)", "The ports of the service."),
        AGE_COLUMN,
        column("Selector", "The selector of the service.", 1),
      ],
      cells: (o, now) => [
        name(o),
        text(field(o, "spec", "type"), "ClusterIP"),
        orNone(field(o, "spec", "clusterIP")),
        externalIPs(o),
        servicePorts(o),
        age(o, now),
        selectorText({ matchLabels: field(o, "spec", "selector") }),
      ],
    },
  ],
  [
    "/Endpoints",
    {
      columns: [NAME_COLUMN, column("Endpoints", "Endpoints of the service."), AGE_COLUMN],
      cells: (o, now) => [name(o), endpoints(o), age(o, now)],
    },
  ],
  [
    "/PersistentVolumeClaim",
    {
      columns: [
        NAME_COLUMN,
        column("Status", "The phase of the claim."),
        column("Volume", "The name of the bound volume."),
        column("Capacity", "The actual capacity of the volume."),
        column("Access Modes", "The access modes of the volume."),
        column("StorageClass", "The storage class of the claim."),
        column("VolumeAttributesClass", "The volume attributes class of the claim."),
        AGE_COLUMN,
        column("VolumeMode", "The volume mode of the claim.", 1),
      ],
      cells: (o, now) => [
        name(o),
        text(field(o, "status", "phase"), "Pending"),
        text(field(o, "spec", "volumeName")),
        text(field(o, "status", "capacity", "storage")),
        ((field(o, "status", "accessModes") as string[] | undefined) ?? [])
          .map((m) => ACCESS_MODES[m] ?? m)
          .join(","),
        text(field(o, "spec", "storageClassName")),
        text(field(o, "spec", "volumeAttributesClassName"), "<unset>"),
        age(o, now),
        text(field(o, "spec", "volumeMode"), "Filesystem"),
      ],
    },
  ],
  [
    "/ConfigMap",
    {
      columns: [NAME_COLUMN, column("Data", "Number of keys in the config map.", 0, "integer"), AGE_COLUMN],
      cells: (o, now) => [name(o), count(o.data) + count(o.binaryData), age(o, now)],
    },
  ],
  [
    "/Secret",
    {
      columns: [
        NAME_COLUMN,
        column("Type", "The type of the secret."),
        column("Data", "Number of keys in the secret.", 0, "integer"),
        AGE_COLUMN,
      ],
      cells: (o, now) => [name(o), text(o.type, "Opaque"), count(o.data), age(o, now)],
    },
  ],
  [
    "/ServiceAccount",
    {
      columns: [
        NAME_COLUMN,
        column("Secrets", "Number of secrets of the service account.", 0, "integer"),
        AGE_COLUMN,
      ],
      cells: (o, now) => [name(o), count(o.secrets), age(o, now)],
    },
  ],
  ["/Event", EVENT],
  ["events.k8s.io/Event", EVENT],
  [
    "/Node",
    {
      columns: [
        NAME_COLUMN,
        column("Status", "The status of the node."),
        column("Roles", "The roles of the node."),
        AGE_COLUMN,
        column("Version", "Kubelet version reported by the node."),
        column("Internal-IP", "The node's internal IP.", 1),
        column("OS-Image", "OS image reported by the node.", 1),
      ],
      cells: (o, now) => {
        const ready = list(field(o, "status", "conditions")).find((c) => c.type === "Ready");
        const roles = Object.keys((field(o, "metadata", "labels") as Obj | undefined) ?? {})
          .filter((k) => k.startsWith("node-role.kubernetes.io/"))
          .map((k) => k.slice("node-role.kubernetes.io/".length));
        return [
          name(o),
          ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown",
          roles.length > 0 ? roles.join(",") : "<none>",
          age(o, now),
          text(field(o, "status", "nodeInfo", "kubeletVersion")),
          text(list(field(o, "status", "addresses")).find((a) => a.type === "InternalIP")?.address, "<none>"),
          text(field(o, "status", "nodeInfo", "osImage"), "<unknown>"),
        ];
      },
    },
  ],
  [
    "networking.k8s.io/NetworkPolicy",
    {
      columns: [NAME_COLUMN, column("Pod-Selector", "The pods the policy applies to."), AGE_COLUMN],
      cells: (o, now) => [name(o), selectorText(field(o, "spec", "podSelector")), age(o, now)],
    },
  ],
  [
    "coordination.k8s.io/Lease",
    {
      columns: [NAME_COLUMN, column("Holder", "The holder of the lease."), AGE_COLUMN],
      cells: (o, now) => [name(o), text(field(o, "spec", "holderIdentity")), age(o, now)],
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
        column("Containers", "Names of each container in the template.", 1),
        column("Images", "Images referenced by each container in the template.", 1),
        column("Selector", "Label selector for pods.", 1),
      ],
      cells: (o, now) => {
        const containers = list(field(o, "spec", "template", "spec", "containers"));
        return [
          name(o),
          `${num(field(o, "status", "readyReplicas"))}/${num(field(o, "spec", "replicas") ?? 1)}`,
          num(field(o, "status", "updatedReplicas")),
          num(field(o, "status", "availableReplicas")),
          age(o, now),
          containers.map((c) => text(c.name)).join(","),
          containers.map((c) => text(c.image)).join(","),
          selectorText(field(o, "spec", "selector")),
        ];
      },
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
        name(o),
        String(field(o, "spec", "minAvailable") ?? "N/A"),
        String(field(o, "spec", "maxUnavailable") ?? "N/A"),
        num(field(o, "status", "disruptionsAllowed")),
        age(o, now),
      ],
    },
  ],
]);

export const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, now) => [name(o), age(o, now)],
};
