// Pruning of fields a structural schema does not know, as kube-apiserver prunes custom resources:
// unknown fields go, except under x-kubernetes-preserve-unknown-fields; apiVersion, kind and metadata
// stay at the resource root and at every x-kubernetes-embedded-resource.
import { childPath, indexPath } from "./path";
import { isObject, type JSONSchemaProps } from "./types";

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

interface Walk {
  readonly pruned: string[];
}

const pruneNode = (
  s: JSONSchemaProps | undefined,
  v: unknown,
  path: string,
  w: Walk,
  root: boolean,
): unknown => {
  // Under preserve-unknown-fields unknown keys stay, but known properties are still pruned inside.
  const preserve = s?.["x-kubernetes-preserve-unknown-fields"] === true;
  if (Array.isArray(v)) {
    if (preserve && !s?.items) return v;
    return v.map((x, i) => pruneNode(s?.items, x, indexPath(path, i), w, false));
  }
  if (!isObject(v)) return v;
  const embedded = root || s?.["x-kubernetes-embedded-resource"] === true;
  const additional = typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const prop = s?.properties?.[key] ?? additional;
    if (embedded && META_FIELDS.has(key)) out[key] = value;
    else if (prop) out[key] = pruneNode(prop, value, childPath(path, key), w, false);
    else if (preserve) out[key] = value;
    else w.pruned.push(childPath(path, key));
  }
  return out;
};

export interface PruneResult {
  readonly value: unknown;
  /** Paths of the removed fields (`spec.foo`, `spec.items[0].bar`), sorted: what fieldValidation reports. */
  readonly pruned: ReadonlyArray<string>;
}

/** Prunes a whole resource (`isResourceRoot`, the default) or a detached value; never mutates `obj`. */
export const pruneWithReport = (
  schema: JSONSchemaProps,
  obj: unknown,
  isResourceRoot = true,
): PruneResult => {
  const w: Walk = { pruned: [] };
  const value = pruneNode(schema, obj, "", w, isResourceRoot);
  return { value, pruned: w.pruned.sort() };
};

export const prune = (schema: JSONSchemaProps, obj: unknown, isResourceRoot = true): unknown =>
  pruneWithReport(schema, obj, isResourceRoot).value;
