// The built-in kinds this server serves, described for discovery, OpenAPI and Table output.
import type { Schema } from "effect";
import { Event, Lease, NetworkPolicy, PersistentVolumeClaim, Pod, Service, toStructural } from "../../api";
import type { JSONSchemaProps } from "../schema";
import { OBJECT_META } from "./object-meta";
import { type ResourceInfo, STANDARD_VERBS, type SubresourceInfo, type Verb } from "./types";

interface BuiltinSpec {
  readonly group?: string;
  readonly kind: string;
  readonly plural: string;
  readonly clusterScoped?: boolean;
  readonly shortNames?: ReadonlyArray<string>;
  readonly categories?: ReadonlyArray<string>;
  readonly verbs?: ReadonlyArray<Verb>;
  readonly subresources?: ReadonlyArray<SubresourceInfo>;
  /**
   * What `kubectl explain` shows: the kind's Schema from src/api where it models the kind (nested fields
   * described), otherwise its top-level fields besides apiVersion/kind/metadata by JSON type.
   */
  readonly schema: Schema.Schema.Any | Readonly<Record<string, string>>;
}

const STATUS: SubresourceInfo = { name: "status", kind: "", verbs: ["get", "patch", "update"] };
const SCALE: SubresourceInfo = {
  name: "scale",
  kind: "Scale",
  group: "autoscaling",
  version: "v1",
  verbs: ["get", "patch", "update"],
};

const FREE_OBJECT: JSONSchemaProps = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

const fieldSchema = (type: string): JSONSchemaProps => {
  if (type === "object") return FREE_OBJECT;
  if (type === "array") return { type: "array", items: FREE_OBJECT };
  return { type } as JSONSchemaProps;
};

const schemaFor = (kind: string, fields: Readonly<Record<string, string>>): JSONSchemaProps => ({
  type: "object",
  description: `${kind} as served by the embedded API server. Nested fields are stored as given and not described here.`,
  properties: {
    apiVersion: {
      type: "string",
      description: "APIVersion defines the versioned schema of this representation of an object.",
    },
    kind: {
      type: "string",
      description: "Kind is a string value representing the REST resource this object represents.",
    },
    metadata: OBJECT_META,
    ...Object.fromEntries(Object.entries(fields).map(([name, type]) => [name, fieldSchema(type)])),
  },
});

const isSchema = (s: BuiltinSpec["schema"]): s is Schema.Schema.Any => "ast" in s;

const builtin = (s: BuiltinSpec): ResourceInfo => ({
  group: s.group ?? "",
  version: "v1",
  kind: s.kind,
  listKind: `${s.kind}List`,
  plural: s.plural,
  singular: s.kind.toLowerCase(),
  shortNames: s.shortNames ?? [],
  namespaced: !s.clusterScoped,
  verbs: s.verbs ?? STANDARD_VERBS,
  // A status subresource answers with the parent kind.
  subresources: (s.subresources ?? []).map((r) => (r.kind === "" ? { ...r, kind: s.kind } : r)),
  categories: s.categories ?? [],
  printerColumns: [],
  openAPISchema: isSchema(s.schema)
    ? ({
        ...toStructural(s.schema.ast),
        description: `${s.kind} as served by the embedded API server.`,
      } as JSONSchemaProps)
    : schemaFor(s.kind, s.schema),
  storageVersion: "v1",
  servedVersions: ["v1"],
});

const SPEC_STATUS = { spec: "object", status: "object" };

export const BUILTIN_RESOURCES: ReadonlyArray<ResourceInfo> = [
  builtin({
    kind: "Namespace",
    plural: "namespaces",
    clusterScoped: true,
    shortNames: ["ns"],
    subresources: [STATUS],
    schema: SPEC_STATUS,
  }),
  builtin({
    kind: "Pod",
    plural: "pods",
    shortNames: ["po"],
    categories: ["all"],
    subresources: [
      STATUS,
      { name: "log", kind: "Pod", verbs: ["get"] },
      { name: "binding", kind: "Binding", verbs: ["create"] },
    ],
    schema: Pod,
  }),
  builtin({
    kind: "Service",
    plural: "services",
    shortNames: ["svc"],
    categories: ["all"],
    subresources: [STATUS],
    schema: Service,
  }),
  builtin({ kind: "Endpoints", plural: "endpoints", shortNames: ["ep"], schema: { subsets: "array" } }),
  builtin({
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    shortNames: ["pvc"],
    subresources: [STATUS],
    schema: PersistentVolumeClaim,
  }),
  builtin({
    kind: "ConfigMap",
    plural: "configmaps",
    shortNames: ["cm"],
    schema: { data: "object", binaryData: "object", immutable: "boolean" },
  }),
  builtin({
    kind: "Secret",
    plural: "secrets",
    schema: { data: "object", stringData: "object", type: "string", immutable: "boolean" },
  }),
  builtin({
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    shortNames: ["sa"],
    schema: { secrets: "array", imagePullSecrets: "array", automountServiceAccountToken: "boolean" },
  }),
  builtin({ kind: "Event", plural: "events", shortNames: ["ev"], schema: Event }),
  builtin({
    kind: "Node",
    plural: "nodes",
    clusterScoped: true,
    shortNames: ["no"],
    subresources: [STATUS],
    schema: SPEC_STATUS,
  }),
  builtin({
    group: "events.k8s.io",
    kind: "Event",
    plural: "events",
    shortNames: ["ev"],
    schema: {
      action: "string",
      deprecatedCount: "integer",
      eventTime: "string",
      note: "string",
      reason: "string",
      regarding: "object",
      related: "object",
      reportingController: "string",
      reportingInstance: "string",
      series: "object",
      type: "string",
    },
  }),
  builtin({
    group: "networking.k8s.io",
    kind: "NetworkPolicy",
    plural: "networkpolicies",
    shortNames: ["netpol"],
    schema: NetworkPolicy,
  }),
  builtin({ group: "coordination.k8s.io", kind: "Lease", plural: "leases", schema: Lease }),
  builtin({
    group: "apiextensions.k8s.io",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    clusterScoped: true,
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    subresources: [STATUS],
    schema: SPEC_STATUS,
  }),
  builtin({ group: "rbac.authorization.k8s.io", kind: "Role", plural: "roles", schema: { rules: "array" } }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "RoleBinding",
    plural: "rolebindings",
    schema: { roleRef: "object", subjects: "array" },
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    plural: "clusterroles",
    clusterScoped: true,
    schema: { rules: "array", aggregationRule: "object" },
  }),
  builtin({
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    clusterScoped: true,
    schema: { roleRef: "object", subjects: "array" },
  }),
  builtin({
    group: "apps",
    kind: "Deployment",
    plural: "deployments",
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: [STATUS, SCALE],
    schema: SPEC_STATUS,
  }),
  builtin({
    group: "batch",
    kind: "Job",
    plural: "jobs",
    categories: ["all"],
    subresources: [STATUS],
    schema: SPEC_STATUS,
  }),
  builtin({
    group: "policy",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    shortNames: ["pdb"],
    subresources: [STATUS],
    schema: SPEC_STATUS,
  }),
  builtin({
    group: "authentication.k8s.io",
    kind: "TokenReview",
    plural: "tokenreviews",
    clusterScoped: true,
    verbs: ["create"],
    schema: SPEC_STATUS,
  }),
];
