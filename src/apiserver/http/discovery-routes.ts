// Routes the non-resource paths (discovery and OpenAPI) to the documents built in ../discovery, over the
// resources served right now: the built-ins plus every established CRD.
import { aggregatedContentType, aggregatedDiscovery, negotiateDiscovery } from "../discovery/aggregated";
import { BUILTIN_RESOURCES } from "../discovery/builtin";
import { fromCRD } from "../discovery/crd";
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from "../discovery/legacy";
import { openAPIV2Document } from "../discovery/openapi-v2";
import { openAPIV3Document, openAPIV3Index } from "../discovery/openapi-v3";
import type { ResourceInfo } from "../discovery/types";
import type { Registry } from "../resources/registry";
import { notAcceptable } from "../status";
import type { NonResourceHandler } from "./server";

const acceptsJson = (accept: string | null): boolean =>
  accept === null ||
  accept.split(",").some((t) => {
    const media = t.split(";")[0]!.trim().toLowerCase();
    return media === "application/json" || media === "*/*" || media === "application/*" || media === "";
  });

const json = (body: unknown, contentType = "application/json"): Response =>
  new Response(JSON.stringify(body), { headers: { "content-type": contentType } });

/** Discovery documents are rebuilt only when the set of CRDs changes. */
export const servedResources = (registry: Registry): (() => ReadonlyArray<ResourceInfo>) => {
  let generation = -1;
  let cached: ReadonlyArray<ResourceInfo> = [];
  return () => {
    if (generation !== registry.generation) {
      generation = registry.generation;
      cached = [...BUILTIN_RESOURCES, ...registry.crdObjects().flatMap((crd) => fromCRD(crd))];
    }
    return cached;
  };
};

export const discoveryRoutes = (resources: () => ReadonlyArray<ResourceInfo>): NonResourceHandler => {
  return (path, req, url) => {
    if (req.method !== "GET") return undefined;
    const seg = path.split("/").filter((s) => s.length > 0);
    if (path === "/api" || path === "/apis") {
      const format = negotiateDiscovery(req.headers.get("accept"));
      if (format !== "legacy") {
        return json(
          aggregatedDiscovery(resources(), path === "/api" ? "api" : "apis", format),
          aggregatedContentType(format),
        );
      }
      return json(path === "/api" ? apiVersions(url.host) : apiGroupList(resources()));
    }
    if (seg[0] === "apis" && seg.length === 2) {
      const doc = apiGroup(resources(), seg[1]!);
      return doc ? json(doc) : undefined;
    }
    if (seg[0] === "api" && seg.length === 2) {
      const doc = apiResourceList(resources(), "", seg[1]!);
      return doc ? json(doc) : undefined;
    }
    if (seg[0] === "apis" && seg.length === 3) {
      const doc = apiResourceList(resources(), seg[1]!, seg[2]!);
      return doc ? json(doc) : undefined;
    }
    if (path === "/openapi/v2") {
      // Only JSON is served; a client that accepts nothing but protobuf must be told, not fed JSON.
      if (!acceptsJson(req.headers.get("accept"))) throw notAcceptable(["application/json"]);
      return json(openAPIV2Document(resources()));
    }
    if (path === "/openapi/v3") return json(openAPIV3Index(resources()));
    if (seg[0] === "openapi" && seg[1] === "v3") {
      const [, , root, a, b] = seg;
      const doc =
        root === "api" && a && !b
          ? openAPIV3Document(resources(), "", a)
          : root === "apis" && a && b
            ? openAPIV3Document(resources(), a, b)
            : undefined;
      return doc ? json(doc) : undefined;
    }
    return undefined;
  };
};
