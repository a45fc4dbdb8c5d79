// The built-in kinds this server stores. Only what local mode, the chart and kubectl need.
import type { ResourceDef } from "./types";

interface BuiltinSpec {
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced?: boolean;
  readonly status?: boolean;
  readonly shortNames?: ReadonlyArray<string>;
  readonly categories?: ReadonlyArray<string>;
  readonly fieldLabels?: ReadonlyArray<string>;
  readonly nameRule?: ResourceDef["nameRule"];
  readonly returnDeletedObject?: boolean;
  readonly scale?: ResourceDef["scale"];
  readonly virtual?: boolean;
}

const builtin = (s: BuiltinSpec): ResourceDef => ({
  group: s.group ?? "",
  versions: [s.version ?? "v1"],
  storageVersion: s.version ?? "v1",
  kind: s.kind,
  listKind: `${s.kind}List`,
  plural: s.plural,
  singular: s.kind.toLowerCase(),
  shortNames: s.shortNames ?? [],
  categories: s.categories ?? [],
  namespaced: s.namespaced ?? true,
  statusSubresource: s.status ?? false,
  ...(s.scale ? { scale: s.scale } : {}),
  nameRule: s.nameRule ?? "subdomain",
  builtin: true,
  fieldLabels: s.fieldLabels ?? [],
  returnDeletedObject: s.returnDeletedObject ?? true,
  ...(s.virtual ? { virtual: true } : {}),
});

const EVENT_FIELDS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

export const BUILTIN_RESOURCES: ReadonlyArray<ResourceDef> = [
  builtin({
    kind: "Namespace",
    plural: "namespaces",
    namespaced: false,
    status: true,
    shortNames: ["ns"],
    nameRule: "label",
    fieldLabels: ["status.phase"],
  }),
  builtin({
    kind: "Pod",
    plural: "pods",
    status: true,
    shortNames: ["po"],
    categories: ["all"],
    fieldLabels: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  }),
  builtin({ kind: "Service", plural: "services", status: true, shortNames: ["svc"], categories: ["all"] }),
  builtin({ kind: "Endpoints", plural: "endpoints", shortNames: ["ep"] }),
  builtin({
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    status: true,
    shortNames: ["pvc"],
  }),
  builtin({ kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"] }),
  builtin({ kind: "Secret", plural: "secrets", fieldLabels: ["type"] }),
  builtin({ kind: "ServiceAccount", plural: "serviceaccounts", shortNames: ["sa"] }),
  builtin({ kind: "Event", plural: "events", shortNames: ["ev"], fieldLabels: EVENT_FIELDS }),
  builtin({ kind: "Node", plural: "nodes", namespaced: false, status: true, shortNames: ["no"] }),
  builtin({ group: "events.k8s.io", kind: "Event", plural: "events", shortNames: ["ev"] }),
  builtin({
    group: "networking.k8s.io",
    kind: "NetworkPolicy",
    plural: "networkpolicies",
    shortNames: ["netpol"],
  }),
  builtin({ group: "coordination.k8s.io", kind: "Lease", plural: "leases" }),
  builtin({
    group: "apiextensions.k8s.io",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
    status: true,
    shortNames: ["crd", "crds"],
  }),
  builtin({ group: "rbac.authorization.k8s.io", kind: "Role", plural: "roles", nameRule: "path" }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "RoleBinding",
    plural: "rolebindings",
    nameRule: "path",
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    plural: "clusterroles",
    namespaced: false,
    nameRule: "path",
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    namespaced: false,
    nameRule: "path",
  }),
  builtin({
    group: "apps",
    kind: "Deployment",
    plural: "deployments",
    status: true,
    shortNames: ["deploy"],
    categories: ["all"],
    scale: {
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.replicas",
      labelSelectorPath: ".status.selector",
    },
  }),
  builtin({
    group: "policy",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    status: true,
    shortNames: ["pdb"],
  }),
];
