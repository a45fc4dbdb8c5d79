// OpenAPI v3 as kube-apiserver serves it: an index at /openapi/v3 and one document per group/version at
// /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>. kubectl uses these for `explain`, for
// deciding whether to ask for server-side field validation, and for patch computation.
import { createHash } from "node:crypto";
import type { JSONSchemaProps } from "../schema";
import { groupVersions, resourcesIn } from "./group-versions";
import { SERVED_KUBERNETES_VERSION } from "./legacy";
import {
  definitionName,
  gvkOf,
  kindSchema,
  listSchema,
  type Operation,
  PATCH_CONTENT_TYPES,
  PATCH_DEFINITION,
  PATCH_SCHEMA,
  type PathItem,
  resourcePaths,
  SCALE_DEFINITION,
  SCALE_SCHEMA,
  STATUS_DEFINITION,
  STATUS_SCHEMA,
} from "./openapi-model";
import { PATH_PARAM_DESCRIPTIONS, queryParams } from "./openapi-params";
import type { ResourceInfo } from "./types";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ "application/json": { schema }, "application/yaml": { schema } });

const renderOperation = (o: Operation) => ({
  tags: [
    o.gvk.group === "" ? `core_${o.gvk.version}` : `${o.gvk.group.replaceAll(".", "_")}_${o.gvk.version}`,
  ],
  operationId: o.operationId,
  parameters: queryParams(o.action).map((p) => ({
    name: p.name,
    in: "query",
    description: p.description,
    schema: { type: p.type, uniqueItems: true },
  })),
  ...(o.hasBody
    ? {
        requestBody: {
          required: true,
          content:
            o.method === "patch"
              ? Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: ref(PATCH_DEFINITION) }]))
              : json(ref(o.schema)),
        },
      }
    : {}),
  responses: {
    "200": { description: "OK", content: json(ref(o.schema)) },
    ...(o.method === "post" ? { "201": { description: "Created", content: json(ref(o.schema)) } } : {}),
    "401": { description: "Unauthorized" },
  },
  "x-kubernetes-action": o.action,
  "x-kubernetes-group-version-kind": o.gvk,
});

const renderPathItem = (item: PathItem) => ({
  ...Object.fromEntries(item.operations.map((o) => [o.method, renderOperation(o)])),
  parameters: [
    ...item.pathParams.map((p) => ({
      name: p,
      in: "path",
      description: PATH_PARAM_DESCRIPTIONS[p],
      required: true,
      schema: { type: "string", uniqueItems: true },
    })),
    {
      name: "pretty",
      in: "query",
      description: "If 'true', then the output is pretty printed.",
      schema: { type: "string", uniqueItems: true },
    },
  ],
});

const withGvk = (s: JSONSchemaProps, group: string, version: string, kind: string) => ({
  ...s,
  "x-kubernetes-group-version-kind": [{ group, version, kind }],
});

/** The kind, list and shared schemas the resources of one group/version refer to. */
export const componentSchemas = (list: ReadonlyArray<ResourceInfo>, refTo: (name: string) => unknown) => {
  const schemas: Record<string, unknown> = {
    [STATUS_DEFINITION]: withGvk(STATUS_SCHEMA, "", "v1", "Status"),
    [PATCH_DEFINITION]: PATCH_SCHEMA,
  };
  for (const r of list) {
    const g = gvkOf(r);
    schemas[definitionName(r.group, r.version, r.kind)] = withGvk(kindSchema(r), g.group, g.version, g.kind);
    const itemRef = refTo(definitionName(r.group, r.version, r.kind)) as JSONSchemaProps;
    schemas[definitionName(r.group, r.version, r.listKind)] = withGvk(
      listSchema(r, itemRef),
      g.group,
      g.version,
      r.listKind,
    );
    if (r.subresources.some((s) => s.name === "scale")) {
      schemas[SCALE_DEFINITION] = withGvk(SCALE_SCHEMA, "autoscaling", "v1", "Scale");
    }
  }
  return schemas;
};

const info = () => {
  const { major, minor, patch } = SERVED_KUBERNETES_VERSION;
  return { title: "Kubernetes", version: `v${major}.${minor}.${patch}` };
};

// Documents are memoised per resource list: callers rebuild the list only when the served set changes,
// and the index needs every document (for its hashes) on each request.
const documents = new WeakMap<ReadonlyArray<ResourceInfo>, Map<string, ReturnType<typeof buildDocument>>>();
const indexes = new WeakMap<ReadonlyArray<ResourceInfo>, ReturnType<typeof buildIndex>>();

const buildDocument = (resources: ReadonlyArray<ResourceInfo>, group: string, version: string) => {
  const list = resourcesIn(resources, group, version);
  if (list.length === 0) return undefined;
  return {
    openapi: "3.0.0",
    info: info(),
    paths: Object.fromEntries(list.flatMap(resourcePaths).map((p) => [p.path, renderPathItem(p)])),
    components: { schemas: componentSchemas(list, ref) },
  };
};

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/<g>/<v>`, or undefined when nothing is served there. */
export const openAPIV3Document = (resources: ReadonlyArray<ResourceInfo>, group: string, version: string) => {
  const perList = documents.get(resources) ?? new Map<string, ReturnType<typeof buildDocument>>();
  documents.set(resources, perList);
  const key = `${group}/${version}`;
  if (!perList.has(key)) perList.set(key, buildDocument(resources, group, version));
  return perList.get(key);
};

export const openAPIV3Path = (group: string, version: string): string =>
  group === "" ? `api/${version}` : `apis/${group}/${version}`;

/**
 * `/openapi/v3`: each group/version with a URL carrying a hash of its document, so clients that cache by
 * URL (kubectl does) refetch exactly when a document changes.
 */
export const openAPIV3Index = (resources: ReadonlyArray<ResourceInfo>) => {
  const hit = indexes.get(resources);
  if (hit) return hit;
  const index = buildIndex(resources);
  indexes.set(resources, index);
  return index;
};

const buildIndex = (resources: ReadonlyArray<ResourceInfo>) => ({
  paths: Object.fromEntries(
    groupVersions(resources).flatMap((g) =>
      g.versions.map((v) => {
        const path = openAPIV3Path(g.group, v.version);
        const doc = JSON.stringify(openAPIV3Document(resources, g.group, v.version));
        const hash = createHash("sha512").update(doc).digest("hex").toUpperCase();
        return [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }];
      }),
    ),
  ),
});
