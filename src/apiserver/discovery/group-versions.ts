// Resources grouped the way discovery presents them: groups in first-seen order, each group's versions
// by Kubernetes version priority (the first is the preferred version).
import { compareVersions } from "../resources/version-priority";
import type { ResourceInfo } from "./types";

export interface GroupVersions {
  readonly group: string;
  /** Versions by priority, each with its resources in the order given. */
  readonly versions: ReadonlyArray<{
    readonly version: string;
    readonly resources: ReadonlyArray<ResourceInfo>;
  }>;
}

export const groupVersions = (resources: ReadonlyArray<ResourceInfo>): GroupVersions[] => {
  const groups = new Map<string, Map<string, ResourceInfo[]>>();
  for (const r of resources) {
    const versions = groups.get(r.group) ?? new Map<string, ResourceInfo[]>();
    groups.set(r.group, versions);
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
  }
  return [...groups].map(([group, versions]) => ({
    group,
    versions: [...versions]
      .sort(([a], [b]) => compareVersions(a, b))
      .map(([version, list]) => ({ version, resources: list })),
  }));
};

export const resourcesIn = (
  resources: ReadonlyArray<ResourceInfo>,
  group: string,
  version: string,
): ReadonlyArray<ResourceInfo> => resources.filter((r) => r.group === group && r.version === version);
