// The unaggregated discovery documents: /version, /api, /apis, /apis/<group>, /api/v1 and /apis/<g>/<v>.
import { groupVersions, resourcesIn } from "./group-versions";
import { groupVersionOf, type ResourceInfo } from "./types";

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

/** The Kubernetes version this server reports (kubectl warns when it is more than one minor away). */
export const SERVED_KUBERNETES_VERSION = { major: "1", minor: "32", patch: "0" } as const;

export const versionInfo = (overrides: Partial<VersionInfo> = {}): VersionInfo => {
  const { major, minor, patch } = SERVED_KUBERNETES_VERSION;
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.${patch}+agent-sandbox`,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: `bun${Bun.version}`,
    compiler: "bun",
    platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
    ...overrides,
  };
};

/** `/api`. `serverAddress` is the host:port clients reach this server on. */
export const apiVersions = (serverAddress: string) => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
});

const apiGroupOf = (g: ReturnType<typeof groupVersions>[number]) => {
  const versions = g.versions.map((v) => ({
    groupVersion: groupVersionOf(g.group, v.version),
    version: v.version,
  }));
  return { name: g.group, versions, preferredVersion: versions[0]! };
};

/** `/apis`: every named group (the core group lives at `/api`). */
export const apiGroupList = (resources: ReadonlyArray<ResourceInfo>) => ({
  kind: "APIGroupList",
  apiVersion: "v1",
  groups: groupVersions(resources.filter((r) => r.group !== "")).map(apiGroupOf),
});

/** `/apis/<group>`, or undefined when no resource is served in that group. */
export const apiGroup = (resources: ReadonlyArray<ResourceInfo>, group: string) => {
  const g = groupVersions(resources.filter((r) => r.group === group))[0];
  return g === undefined || group === ""
    ? undefined
    : { kind: "APIGroup", apiVersion: "v1", ...apiGroupOf(g) };
};

const apiResources = (r: ResourceInfo) => [
  {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
  },
  ...r.subresources.map((s) => ({
    name: `${r.plural}/${s.name}`,
    singularName: "",
    namespaced: r.namespaced,
    ...(s.group !== undefined ? { group: s.group } : {}),
    ...(s.version !== undefined ? { version: s.version } : {}),
    kind: s.kind,
    verbs: s.verbs,
  })),
];

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when nothing is served there. */
export const apiResourceList = (resources: ReadonlyArray<ResourceInfo>, group: string, version: string) => {
  const list = resourcesIn(resources, group, version);
  if (list.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersionOf(group, version),
    resources: list.flatMap(apiResources),
  };
};
