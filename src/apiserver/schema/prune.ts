// Pruning of fields a structural schema does not know, as kube-apiserver prunes custom resources:
// unknown fields go, except under x-kubernetes-preserve-unknown-fields; apiVersion, kind and metadata
// stay at the resource root and at every x-kubernetes-embedded-resource.
import { childPath, indexPath } from "./path";
import { isObject, type JSONSchemaProps } from "./types";

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

interface Walk {
  readonly pruned: string[];
}

/** Where a node sits, kept as links and spelled out only for a field that is pruned (most writes prune none). */
interface At {
  readonly up: At | undefined;
  readonly step: string | number;
}

const pathOf = (at: At | undefined): string => {
  const steps: Array<string | number> = [];
  for (let a = at; a !== undefined; a = a.up) steps.push(a.step);
  let path = "";
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    path = typeof step === "number" ? indexPath(path, step) : childPath(path, step);
  }
  return path;
};

/**
 * The pruned value; `v` itself (not a copy) when nothing under it goes. `settled` is what sat at the same
 * place in an earlier version already pruned by this schema: a value still identical to it is pruned as is.
 */
const pruneNode = (
  s: JSONSchemaProps | undefined,
  v: unknown,
  settled: unknown,
  at: At | undefined,
  w: Walk,
  root: boolean,
): unknown => {
  if (v === settled) return v;
  // Under preserve-unknown-fields unknown keys stay, but known properties are still pruned inside.
  const preserve = s?.["x-kubernetes-preserve-unknown-fields"] === true;
  if (Array.isArray(v)) {
    if (preserve && !s?.items) return v;
    const before = Array.isArray(settled) ? settled : undefined;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = pruneNode(s?.items, v[i], before?.[i], { up: at, step: i }, w, false);
      if (x !== v[i]) out ??= v.slice();
      if (out) out[i] = x;
    }
    return out ?? v;
  }
  if (!isObject(v)) return v;
  const embedded = root || s?.["x-kubernetes-embedded-resource"] === true;
  const additional = typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined;
  const before = isObject(settled) ? settled : undefined;
  let out: Record<string, unknown> | undefined;
  for (const key in v) {
    const value = v[key];
    const prop = s?.properties?.[key] ?? additional;
    let kept: unknown = value;
    if (embedded && META_FIELDS.has(key)) kept = value;
    else if (prop) kept = pruneNode(prop, value, before?.[key], { up: at, step: key }, w, false);
    else if (!preserve) {
      w.pruned.push(pathOf({ up: at, step: key }));
      out ??= copyBefore(v, key);
      continue;
    }
    if (kept !== value) out ??= copyBefore(v, key);
    if (out) out[key] = kept;
  }
  return out ?? v;
};

/** The keys of `v` that come before `key`, copied: the start of a pruned copy. */
const copyBefore = (v: Record<string, unknown>, key: string): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (k === key) break;
    out[k] = v[k];
  }
  return out;
};

export interface PruneResult {
  readonly value: unknown;
  /** Paths of the removed fields (`spec.foo`, `spec.items[0].bar`), sorted: what fieldValidation reports. */
  readonly pruned: ReadonlyArray<string>;
}

/**
 * Prunes a whole resource (`isResourceRoot`, the default) or a detached value; never mutates `obj`. The
 * result shares what was not pruned with `obj` (`obj` itself when nothing was). `settled`: an earlier version
 * of `obj` that this schema pruned, whose parts `obj` still shares need no second look (an update's).
 */
export const pruneWithReport = (
  schema: JSONSchemaProps,
  obj: unknown,
  isResourceRoot = true,
  settled?: unknown,
): PruneResult => {
  const w: Walk = { pruned: [] };
  const value = pruneNode(schema, obj, settled, undefined, w, isResourceRoot);
  return { value, pruned: w.pruned.sort() };
};

export const prune = (schema: JSONSchemaProps, obj: unknown, isResourceRoot = true): unknown =>
  pruneWithReport(schema, obj, isResourceRoot).value;
