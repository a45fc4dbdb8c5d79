// Validation of an object against a structural schema, as kube-apiserver validates custom resources:
// every cause carries the field path and the message the real server sends.

import { duplicate, inBody, invalid, jsonTypeName, required, tooMany, typeInvalid } from "./causes";
import { deepEqual } from "./cel";
import { childPath, indexPath } from "./path";
import { checkRules, type Old } from "./rules";
import { checkScalar } from "./scalars";
import { type FieldCause, isObject, type JSONSchemaProps, type SchemaType } from "./types";

const hasType = (type: SchemaType, v: unknown): boolean => {
  switch (type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
  }
};

/** The type check; false means the node's other checks are skipped (they would only add noise). */
const checkType = (s: JSONSchemaProps, v: unknown, path: string, out: FieldCause[]): boolean => {
  const expected = s["x-kubernetes-int-or-string"] ? "integer,string" : s.type;
  if (expected === undefined) return true;
  const ok = s["x-kubernetes-int-or-string"]
    ? Number.isInteger(v) || typeof v === "string"
    : hasType(s.type!, v);
  if (ok) return true;
  const actual = jsonTypeName(v);
  out.push(typeInvalid(path, actual, inBody(path, `must be of type ${expected}: ${JSON.stringify(actual)}`)));
  return false;
};

/** What identifies an item of a set (its value) or map list (its key fields), as a comparable string. */
const identityOf = (s: JSONSchemaProps): ((item: unknown) => string) | undefined => {
  const keys = s["x-kubernetes-list-map-keys"];
  if (s["x-kubernetes-list-type"] === "set") return (x) => JSON.stringify(x);
  if (s["x-kubernetes-list-type"] !== "map" || !keys) return undefined;
  return (x) => JSON.stringify(keys.map((k) => (isObject(x) ? x[k] : undefined) ?? null));
};

const keyValue = (s: JSONSchemaProps, item: unknown): unknown =>
  s["x-kubernetes-list-type"] === "set"
    ? item
    : Object.fromEntries(
        (s["x-kubernetes-list-map-keys"] ?? []).map((k) => [k, isObject(item) ? item[k] : undefined]),
      );

const correlateKey = (old: Old, key: string): Old =>
  isObject(old?.v) && key in old.v ? { v: old.v[key] } : undefined;

const checkArray = (s: JSONSchemaProps, v: unknown[], old: Old, path: string, out: FieldCause[]): void => {
  if (s.maxItems !== undefined && v.length > s.maxItems) out.push(tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) {
    out.push(invalid(path, v.length, inBody(path, `should have at least ${s.minItems} items`)));
  }
  if (s.uniqueItems && v.some((x, i) => v.findIndex((y) => deepEqual(x, y)) !== i)) {
    out.push(invalid(path, v, inBody(path, "shouldn't contain duplicates")));
  }
  const identity = identityOf(s);
  const ids = identity ? v.map(identity) : [];
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) out.push(duplicate(indexPath(path, i), keyValue(s, v[i])));
    seen.add(id);
  });
  if (!s.items) return;
  // Only map-list items correlate with an old item (by key); atomic and set items have no old value.
  const oldItems =
    s["x-kubernetes-list-type"] === "map" && identity && Array.isArray(old?.v)
      ? new Map(old.v.map((o) => [identity(o), o] as const))
      : undefined;
  const items = s.items;
  v.forEach((x, i) => {
    const match = oldItems?.get(ids[i]!);
    walk(items, x, match === undefined ? undefined : { v: match }, indexPath(path, i), out);
  });
};

const checkObject = (
  s: JSONSchemaProps,
  v: Record<string, unknown>,
  old: Old,
  path: string,
  out: FieldCause[],
): void => {
  if (s.maxProperties !== undefined || s.minProperties !== undefined) {
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) out.push(tooMany(path, n, s.maxProperties));
    if (s.minProperties !== undefined && n < s.minProperties) {
      out.push(invalid(path, n, inBody(path, `should have at least ${s.minProperties} properties`)));
    }
  }
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const key in v) {
    const prop = s.properties?.[key] ?? additional;
    if (prop) walk(prop, v[key], correlateKey(old, key), childPath(path, key), out);
  }
  for (const key of s.required ?? []) if (!(key in v)) out.push(required(childPath(path, key)));
  if (s["x-kubernetes-embedded-resource"]) {
    for (const key of ["apiVersion", "kind"]) {
      if (typeof v[key] !== "string" || v[key] === "")
        out.push(required(childPath(path, key), "must not be empty"));
    }
  }
};

/** allOf/anyOf/oneOf/not: value validations in structural schemas, reported as kube-openapi does. */
const checkCombinators = (s: JSONSchemaProps, v: unknown, path: string, out: FieldCause[]): void => {
  for (const sub of s.allOf ?? []) walk(sub, v, undefined, path, out);
  const passes = (sub: JSONSchemaProps) => validateAt(sub, v, path).length === 0;
  if (s.anyOf && !s.anyOf.some(passes)) {
    out.push(invalid(path, "", `${JSON.stringify(path)} must validate at least one schema (anyOf)`));
  }
  if (s.oneOf) {
    const n = s.oneOf.filter(passes).length;
    if (n !== 1) {
      const found = n === 0 ? "Found none valid" : `Found ${n} valid alternatives`;
      out.push(
        invalid(path, "", `${JSON.stringify(path)} must validate one and only one schema (oneOf). ${found}`),
      );
    }
  }
  if (s.not && passes(s.not))
    out.push(invalid(path, "", `${JSON.stringify(path)} must not validate the schema (not)`));
};

const walk = (s: JSONSchemaProps, v: unknown, old: Old, path: string, out: FieldCause[]): void => {
  // Validation ratcheting (on by default since Kubernetes 1.30): an update may keep a value that no longer
  // validates (say, after the CRD's schema tightened) as long as it does not change it.
  if (old !== undefined && deepEqual(old.v, v)) return;
  if (v === null || v === undefined) {
    if (!s.nullable && s.type !== undefined) {
      out.push(typeInvalid(path, "null", inBody(path, `must be of type ${s.type}: "null"`)));
    }
    return;
  }
  if (!checkType(s, v, path, out)) return;
  checkScalar(s, v, path, out);
  if (Array.isArray(v)) checkArray(s, v, old, path, out);
  else if (isObject(v)) checkObject(s, v, old, path, out);
  checkCombinators(s, v, path, out);
  checkRules(s, v, old, path, out);
};

const validateAt = (s: JSONSchemaProps, v: unknown, path: string): FieldCause[] => {
  const out: FieldCause[] = [];
  walk(s, v, undefined, path, out);
  return out;
};

/**
 * Checks `obj` against `schema` (an openAPIV3Schema), CEL rules included except transition rules.
 * `basePath` prefixes every field path (empty for a whole resource).
 */
export const validate = (schema: JSONSchemaProps, obj: unknown, basePath = ""): FieldCause[] =>
  validateAt(schema, obj, basePath);

/**
 * As `validate`, and also evaluates transition rules (those reading `oldSelf`) against `oldObj`. Values
 * equal to their old counterpart (same place, correlated through object keys and map-list keys) are not
 * re-validated, as kube-apiserver ratchets validation.
 */
export const validateUpdate = (
  schema: JSONSchemaProps,
  newObj: unknown,
  oldObj: unknown,
  basePath = "",
): FieldCause[] => {
  const out: FieldCause[] = [];
  walk(schema, newObj, { v: oldObj }, basePath, out);
  return out;
};
