// kubectl's columns for the core (v1) kinds other than Pod and Event.
import {
  AGE_COLUMN,
  column,
  count,
  field,
  list,
  NAME_COLUMN,
  type Obj,
  objectAge,
  objectName,
  orNone,
  type Printer,
  selectorText,
  text,
} from "./columns";

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

/** Core (v1) kinds other than Pod and Event. */
export const CORE_PRINTERS: ReadonlyArray<readonly [string, Printer]> = [
  [
    "/Namespace",
    {
      columns: [NAME_COLUMN, column("Status", "The status of the namespace."), AGE_COLUMN],
      cells: (o, now) => [objectName(o), text(field(o, "status", "phase"), "Active"), objectAge(o, now)],
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
        objectName(o),
        text(field(o, "spec", "type"), "ClusterIP"),
        orNone(field(o, "spec", "clusterIP")),
        externalIPs(o),
        servicePorts(o),
        objectAge(o, now),
        selectorText({ matchLabels: field(o, "spec", "selector") }),
      ],
    },
  ],
  [
    "/Endpoints",
    {
      columns: [NAME_COLUMN, column("Endpoints", "Endpoints of the service."), AGE_COLUMN],
      cells: (o, now) => [objectName(o), endpoints(o), objectAge(o, now)],
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
        objectName(o),
        text(field(o, "status", "phase"), "Pending"),
        text(field(o, "spec", "volumeName")),
        text(field(o, "status", "capacity", "storage")),
        ((field(o, "status", "accessModes") as string[] | undefined) ?? [])
          .map((m) => ACCESS_MODES[m] ?? m)
          .join(","),
        text(field(o, "spec", "storageClassName")),
        text(field(o, "spec", "volumeAttributesClassName"), "<unset>"),
        objectAge(o, now),
        text(field(o, "spec", "volumeMode"), "Filesystem"),
      ],
    },
  ],
  [
    "/ConfigMap",
    {
      columns: [NAME_COLUMN, column("Data", "Number of keys in the config map.", 0, "integer"), AGE_COLUMN],
      cells: (o, now) => [objectName(o), count(o.data) + count(o.binaryData), objectAge(o, now)],
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
      cells: (o, now) => [objectName(o), text(o.type, "Opaque"), count(o.data), objectAge(o, now)],
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
      cells: (o, now) => [objectName(o), count(o.secrets), objectAge(o, now)],
    },
  ],
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
          objectName(o),
          ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown",
          roles.length > 0 ? roles.join(",") : "<none>",
          objectAge(o, now),
          text(field(o, "status", "nodeInfo", "kubeletVersion")),
          text(list(field(o, "status", "addresses")).find((a) => a.type === "InternalIP")?.address, "<none>"),
          text(field(o, "status", "nodeInfo", "osImage"), "<unknown>"),
        ];
      },
    },
  ],
];
