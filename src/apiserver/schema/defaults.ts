// Defaulting as kube-apiserver does it for custom resources: a default fills a field only when the field
// is absent (or null while not nullable); defaulting recurses into the values it set, so defaults inside
// a defaulted object apply too. Nulls in non-nullable fields without a default are dropped, as kube does
// before validation.
import { isObject, type JSONSchemaProps } from "./types";

const propertySchema = (s: JSONSchemaProps, key: string): JSONSchemaProps | undefined =>
  s.properties?.[key] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);

/**
 * The properties of `s` that carry a default, worked out once per schema node: schemas live as long as their
 * CRD and serve every write, and most nodes (a pod spec's dozens of fields) have none.
 */
const defaulted = new WeakMap<JSONSchemaProps, ReadonlyArray<readonly [string, JSONSchemaProps]>>();
const defaultedProperties = (s: JSONSchemaProps): ReadonlyArray<readonly [string, JSONSchemaProps]> => {
  let found = defaulted.get(s);
  if (found === undefined) {
    found = Object.entries(s.properties ?? {}).filter(([, prop]) => prop.default !== undefined);
    defaulted.set(s, found);
  }
  return found;
};

const defaultObject = (
  s: JSONSchemaProps,
  v: Record<string, unknown>,
  settled: Record<string, unknown> | undefined,
): Record<string, unknown> => {
  let out: Record<string, unknown> | undefined;
  /** Copy on first change: untouched objects come back as they were. */
  const edit = (): Record<string, unknown> => {
    out ??= { ...v };
    return out;
  };
  for (const key in v) {
    const value = v[key];
    const prop = propertySchema(s, key);
    if (value === null && prop && !prop.nullable && prop.default === undefined) {
      delete edit()[key];
      continue;
    }
    if (!prop) continue;
    const defaulted = applyDefaults(prop, value, settled?.[key]);
    if (defaulted !== value) edit()[key] = defaulted;
  }
  for (const [key, prop] of defaultedProperties(s)) {
    const current = (out ?? v)[key];
    const missing = current === undefined || (current === null && !prop.nullable);
    if (missing) edit()[key] = applyDefaults(prop, structuredClone(prop.default));
  }
  return out ?? v;
};

const defaultArray = (
  s: JSONSchemaProps,
  v: ReadonlyArray<unknown>,
  settled: ReadonlyArray<unknown> | undefined,
): ReadonlyArray<unknown> => {
  const items = s.items;
  if (!items) return v;
  let out: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    const defaulted = applyDefaults(
      items,
      x === null && !items.nullable && items.default !== undefined ? structuredClone(items.default) : x,
      settled?.[i],
    );
    if (defaulted !== x) out ??= v.slice();
    if (out) out[i] = defaulted;
  }
  return out ?? v;
};

/**
 * `obj` with the schema's defaults applied; `obj` itself is not modified. The result shares what needed no
 * default with `obj` (`obj` itself when nothing did). `settled`: an earlier version of `obj` this schema
 * defaulted; what `obj` still shares with it (at the same place) is defaulted already.
 */
export const applyDefaults = (schema: JSONSchemaProps, obj: unknown, settled?: unknown): unknown => {
  if (obj === settled) return obj;
  if (isObject(obj)) return defaultObject(schema, obj, isObject(settled) ? settled : undefined);
  if (Array.isArray(obj)) return defaultArray(schema, obj, Array.isArray(settled) ? settled : undefined);
  return obj;
};
