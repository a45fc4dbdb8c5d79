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

const defaultObject = (s: JSONSchemaProps, v: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const prop = propertySchema(s, key);
    if (value === null && prop && !prop.nullable && prop.default === undefined) continue;
    out[key] = value;
  }
  for (const [key, prop] of defaultedProperties(s)) {
    const current = out[key];
    const missing = current === undefined || (current === null && !prop.nullable);
    if (missing) out[key] = structuredClone(prop.default);
  }
  for (const [key, value] of Object.entries(out)) {
    const prop = propertySchema(s, key);
    if (prop) out[key] = applyDefaults(prop, value);
  }
  return out;
};

const defaultArray = (s: JSONSchemaProps, v: ReadonlyArray<unknown>): unknown[] => {
  const items = s.items;
  if (!items) return [...v];
  return v.map((x) =>
    applyDefaults(
      items,
      x === null && !items.nullable && items.default !== undefined ? structuredClone(items.default) : x,
    ),
  );
};

/** A copy of `obj` with the schema's defaults applied; `obj` itself is not modified. */
export const applyDefaults = (schema: JSONSchemaProps, obj: unknown): unknown => {
  if (isObject(obj)) return defaultObject(schema, obj);
  if (Array.isArray(obj)) return defaultArray(schema, obj);
  return obj;
};
