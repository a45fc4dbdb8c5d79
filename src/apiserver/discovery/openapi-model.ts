// What both OpenAPI renderings (v2 and v3) publish for a group/version: the REST operations of each
// resource, tagged with the x-kubernetes-group-version-kind kubectl matches on, and the kind schemas.
import type { JSONSchemaProps } from "../schema";
import { OBJECT_META } from "./object-meta";
import type { ResourceInfo } from "./types";

export type Method = "get" | "post" | "put" | "patch" | "delete";
export type Action = "list" | "post" | "get" | "put" | "patch" | "delete" | "deletecollection";

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface Operation {
  readonly method: Method;
  readonly action: Action;
  readonly gvk: GroupVersionKind;
  /** Definition name of the request/response body; undefined for deletes answered with a Status. */
  readonly schema: string;
  readonly hasBody: boolean;
  readonly operationId: string;
}

export interface PathItem {
  readonly path: string;
  readonly pathParams: ReadonlyArray<"namespace" | "name">;
  readonly operations: ReadonlyArray<Operation>;
}

/** Patch bodies CRDs accept. Strategic merge is left out even for built-ins, on purpose: kubectl would
 * then compute strategic patches from these (shallow) schemas instead of its compiled-in types. */
export const PATCH_CONTENT_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/apply-patch+yaml",
];

export const STATUS_DEFINITION = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
export const PATCH_DEFINITION = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const SCALE_DEFINITION = "io.k8s.api.autoscaling.v1.Scale";

/** Definition names as kube-apiserver forms them: `io.k8s.api.core.v1.Pod`, `io.x-k8s.agents.v1beta1.Sandbox`. */
export const definitionName = (group: string, version: string, kind: string): string => {
  if (group === "") return `io.k8s.api.core.${version}.${kind}`;
  if (group === "apiextensions.k8s.io")
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${kind}`;
  // Built-in groups without a dot (apps, batch, policy); a CRD's group always has one.
  if (!group.includes(".")) return `io.k8s.api.${group}.${version}.${kind}`;
  if (group.endsWith(".k8s.io")) return `io.k8s.api.${group.split(".")[0]}.${version}.${kind}`;
  return `${group.split(".").reverse().join(".")}.${version}.${kind}`;
};

const gvkOf = (r: ResourceInfo, kind = r.kind): GroupVersionKind => ({
  group: r.group,
  version: r.version,
  kind,
});

const op = (
  method: Method,
  action: Action,
  gvk: GroupVersionKind,
  schema: string,
  hasBody: boolean,
  id: string,
): Operation => ({
  method,
  action,
  gvk,
  schema,
  hasBody,
  operationId: id,
});

/** The paths kube-apiserver serves for one resource, with the operations its verbs allow. */
export const resourcePaths = (r: ResourceInfo): PathItem[] => {
  const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const scoped = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const nsParams: ReadonlyArray<"namespace"> = r.namespaced ? ["namespace"] : [];
  const def = definitionName(r.group, r.version, r.kind);
  const listDef = definitionName(r.group, r.version, r.listKind);
  const gvk = gvkOf(r);
  const has = (v: string) => r.verbs.includes(v as never);
  const id = (action: string) => `${action}${r.kind}`;
  const collection = [
    ...(has("list") ? [op("get", "list", gvk, listDef, false, id("list"))] : []),
    ...(has("create") ? [op("post", "post", gvk, def, true, id("create"))] : []),
    ...(has("deletecollection")
      ? [op("delete", "deletecollection", gvk, STATUS_DEFINITION, false, id("deleteCollection"))]
      : []),
  ];
  const item = [
    ...(has("get") ? [op("get", "get", gvk, def, false, id("read"))] : []),
    ...(has("update") ? [op("put", "put", gvk, def, true, id("replace"))] : []),
    ...(has("patch") ? [op("patch", "patch", gvk, def, true, id("patch"))] : []),
    ...(has("delete") ? [op("delete", "delete", gvk, STATUS_DEFINITION, false, id("delete"))] : []),
  ];
  const out: PathItem[] = [];
  if (collection.length > 0) out.push({ path: scoped, pathParams: nsParams, operations: collection });
  if (item.length > 0)
    out.push({ path: `${scoped}/{name}`, pathParams: [...nsParams, "name"], operations: item });
  if (r.namespaced && has("list")) {
    out.push({
      path: `${prefix}/${r.plural}`,
      pathParams: [],
      operations: [op("get", "list", gvk, listDef, false, id("listForAllNamespaces"))],
    });
  }
  for (const s of r.subresources.filter((x) => x.name === "status" || x.name === "scale")) {
    const sgvk = s.name === "scale" ? { group: "autoscaling", version: "v1", kind: "Scale" } : gvk;
    const sdef = s.name === "scale" ? SCALE_DEFINITION : def;
    const suffix = s.name === "scale" ? "Scale" : "Status";
    out.push({
      path: `${scoped}/{name}/${s.name}`,
      pathParams: [...nsParams, "name"],
      operations: [
        op("get", "get", sgvk, sdef, false, `read${r.kind}${suffix}`),
        op("put", "put", sgvk, sdef, true, `replace${r.kind}${suffix}`),
        op("patch", "patch", sgvk, sdef, true, `patch${r.kind}${suffix}`),
      ],
    });
  }
  return out;
};

const withDescription = (s: JSONSchemaProps, description: string): JSONSchemaProps =>
  s.description ? s : { ...s, description };

/** The published schema of a kind: its own schema with kube's ObjectMeta and apiVersion/kind descriptions. */
export const kindSchema = (r: ResourceInfo): JSONSchemaProps => {
  const own = r.openAPISchema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const props = own.properties ?? {};
  return {
    ...own,
    type: "object",
    properties: {
      ...props,
      apiVersion: withDescription(
        props.apiVersion ?? { type: "string" },
        "APIVersion defines the versioned schema of this representation of an object.",
      ),
      kind: withDescription(
        props.kind ?? { type: "string" },
        "Kind is a string value representing the REST resource this object represents.",
      ),
      metadata: OBJECT_META,
    },
  };
};

export const listSchema = (r: ResourceInfo, itemRef: JSONSchemaProps): JSONSchemaProps => ({
  type: "object",
  description: `${r.listKind} is a list of ${r.kind}`,
  required: ["items"],
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    items: { type: "array", items: itemRef },
  },
});

export const STATUS_SCHEMA: JSONSchemaProps = {
  type: "object",
  description: "Status is a return value for calls that don't return other objects.",
  "x-kubernetes-preserve-unknown-fields": true,
};
export const PATCH_SCHEMA: JSONSchemaProps = {
  type: "object",
  description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
};
export const SCALE_SCHEMA: JSONSchemaProps = {
  type: "object",
  description: "Scale represents a scaling request for a resource.",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: OBJECT_META,
    spec: { type: "object", properties: { replicas: { type: "integer", format: "int32" } } },
    status: {
      type: "object",
      properties: { replicas: { type: "integer", format: "int32" }, selector: { type: "string" } },
    },
  },
};

export { gvkOf, SCALE_DEFINITION };
