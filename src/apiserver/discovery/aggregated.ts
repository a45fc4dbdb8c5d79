// Aggregated discovery (apidiscovery.k8s.io v2, and v2beta1 for older clients): `/api` and `/apis`
// answer with every group, version and resource in one document when the client asks for it.
// kubectl 1.32 sends `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
// application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json` and
// recognises the answer only by its Content-Type; anything else it reads as the legacy documents.
import { groupVersions } from "./group-versions";
import type { ResourceInfo } from "./types";

export type DiscoveryFormat = "v2" | "v2beta1" | "legacy";

export const aggregatedContentType = (version: "v2" | "v2beta1"): string =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;

const params = (mediaType: string): { base: string; p: Map<string, string> } => {
  const [base = "", ...rest] = mediaType.split(";").map((s) => s.trim());
  const p = new Map<string, string>();
  for (const kv of rest) {
    const i = kv.indexOf("=");
    if (i > 0) p.set(kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim());
  }
  return { base: base.toLowerCase(), p };
};

/** The first format in the client's Accept list that we serve, in the client's order. */
export const negotiateDiscovery = (accept: string | null | undefined): DiscoveryFormat => {
  for (const mediaType of (accept ?? "").split(",")) {
    const { base, p } = params(mediaType);
    if (base !== "application/json") continue;
    if (p.get("g") !== "apidiscovery.k8s.io" || p.get("as") !== "APIGroupDiscoveryList") return "legacy";
    const v = p.get("v");
    if (v === "v2" || v === "v2beta1") return v;
  }
  return "legacy";
};

const resourceDiscovery = (r: ResourceInfo) => ({
  resource: r.plural,
  responseKind: { group: r.group, version: r.version, kind: r.kind },
  scope: r.namespaced ? "Namespaced" : "Cluster",
  singularResource: r.singular,
  verbs: r.verbs,
  ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
  ...(r.categories.length > 0 ? { categories: r.categories } : {}),
  ...(r.subresources.length > 0
    ? {
        subresources: r.subresources.map((s) => ({
          subresource: s.name,
          responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
          verbs: s.verbs,
        })),
      }
    : {}),
});

/**
 * The APIGroupDiscoveryList for `/api` (scope "api": the core group only) or `/apis` (every named group).
 * Versions are listed by priority: clients take the first as the preferred version.
 */
export const aggregatedDiscovery = (
  resources: ReadonlyArray<ResourceInfo>,
  scope: "api" | "apis",
  version: "v2" | "v2beta1" = "v2",
) => ({
  kind: "APIGroupDiscoveryList",
  apiVersion: `apidiscovery.k8s.io/${version}`,
  metadata: {},
  items: groupVersions(resources.filter((r) => (scope === "api") === (r.group === ""))).map((g) => ({
    metadata: { name: g.group, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v.version,
      resources: v.resources.map(resourceDiscovery),
      freshness: "Current",
    })),
  })),
});
