// OpenAPI v2 (Swagger 2.0) JSON at /openapi/v2 for clients that read it as JSON. kubectl asks for the
// protobuf encoding only and, when it cannot get it, falls back to its compiled-in types for patches
// and to OpenAPI v3 for everything else; the server should answer its protobuf Accept with 406.

import { SERVED_KUBERNETES_VERSION } from "./legacy";
import {
  type Operation,
  PATCH_CONTENT_TYPES,
  PATCH_DEFINITION,
  type PathItem,
  resourcePaths,
} from "./openapi-model";
import { PATH_PARAM_DESCRIPTIONS, queryParams } from "./openapi-params";
import { componentSchemas } from "./openapi-v3";
import type { ResourceInfo } from "./types";

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

const renderOperation = (o: Operation) => ({
  operationId: o.operationId,
  consumes: o.method === "patch" ? PATCH_CONTENT_TYPES : ["*/*"],
  produces: ["application/json", "application/yaml"],
  schemes: ["https"],
  parameters: [
    ...(o.hasBody
      ? [
          {
            name: "body",
            in: "body",
            required: true,
            schema: ref(o.method === "patch" ? PATCH_DEFINITION : o.schema),
          },
        ]
      : []),
    ...queryParams(o.action).map((p) => ({
      name: p.name,
      in: "query",
      type: p.type,
      description: p.description,
      uniqueItems: true,
    })),
  ],
  responses: { "200": { description: "OK", schema: ref(o.schema) }, "401": { description: "Unauthorized" } },
  "x-kubernetes-action": o.action,
  "x-kubernetes-group-version-kind": o.gvk,
});

const renderPathItem = (item: PathItem) => ({
  ...Object.fromEntries(item.operations.map((o) => [o.method, renderOperation(o)])),
  parameters: item.pathParams.map((p) => ({
    name: p,
    in: "path",
    required: true,
    type: "string",
    uniqueItems: true,
    description: PATH_PARAM_DESCRIPTIONS[p],
  })),
});

export const openAPIV2Document = (resources: ReadonlyArray<ResourceInfo>) => {
  const { major, minor, patch } = SERVED_KUBERNETES_VERSION;
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: `v${major}.${minor}.${patch}` },
    paths: Object.fromEntries(resources.flatMap(resourcePaths).map((p) => [p.path, renderPathItem(p)])),
    definitions: componentSchemas(resources, ref),
  };
};
