// Strategic merge patch for the core kinds we serve: like a merge patch, except that lists of objects with a
// known merge key (containers by name, ports by containerPort, ...) merge element-wise, and `$patch`
// directives (`delete`, `replace`) and `$setElementOrder` are honoured. Lists without a merge key replace.
import { isPlainObject } from "./merge";

/** Merge keys by list field name, as the Kubernetes API types declare them (patchMergeKey). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  env: "name",
  imagePullSecrets: "name",
  hostAliases: "ip",
  tolerations: "key",
  topologySpreadConstraints: "topologyKey",
  conditions: "type",
  ownerReferences: "uid",
  containerStatuses: "name",
  initContainerStatuses: "name",
  resourceClaims: "name",
  secrets: "name",
};

/** Ports merge by containerPort inside containers and by port inside services. */
const portKey = (items: ReadonlyArray<unknown>): string =>
  items.some((i) => isPlainObject(i) && "containerPort" in i) ? "containerPort" : "port";

const keyFor = (field: string, items: ReadonlyArray<unknown>): string | undefined =>
  field === "ports" ? portKey(items) : MERGE_KEYS[field];

const mergeList = (field: string, target: unknown, patch: ReadonlyArray<unknown>): unknown => {
  const key = keyFor(field, patch);
  const base = Array.isArray(target) ? target : [];
  if (!key || !patch.every(isPlainObject)) return patch.filter((p) => !(isPlainObject(p) && "$patch" in p));
  if (patch.some((p) => isPlainObject(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isPlainObject(p) && p.$patch === "replace"));
  }
  const out = [...base];
  for (const p of patch as ReadonlyArray<Record<string, unknown>>) {
    const idx = out.findIndex((t) => isPlainObject(t) && t[key] === p[key]);
    if (p.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], p);
    else out.push(strategicMerge({}, p));
  }
  return out;
};

export const strategicMerge = (target: unknown, patch: unknown): unknown => {
  if (!isPlainObject(patch)) return patch;
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === "delete") return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  const order: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys") continue;
    if (k.startsWith("$setElementOrder/")) {
      order[k.slice("$setElementOrder/".length)] = v;
      continue;
    }
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      const drop = Array.isArray(v) ? v : [];
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !drop.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else if (isPlainObject(v)) {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  for (const [field, wanted] of Object.entries(order)) {
    const list = out[field];
    const key = Array.isArray(wanted) ? keyFor(field, wanted) : undefined;
    if (!Array.isArray(list) || !Array.isArray(wanted) || !key) continue;
    const rank = (item: unknown): number => {
      const i = wanted.findIndex((w) => isPlainObject(w) && isPlainObject(item) && w[key] === item[key]);
      return i < 0 ? wanted.length : i;
    };
    out[field] = [...list].sort((a, b) => rank(a) - rank(b));
  }
  return out;
};
