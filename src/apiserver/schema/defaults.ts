// Defaulting as kube-apiserver does it for custom resources: a default fills a field only when the field
// is absent (or null while not nullable); defaulting recurses into the values it set, so defaults inside
// a defaulted object apply too. Nulls in non-nullable fields without a default are dropped, as kube does
// before validation.
import { isObject, type JSONSchemaProps } from "./types";

const propertySchema = (s: JSONSchemaProps, key: string): JSONSchemaProps | undefined =>
  s.properties?.[key] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);

const defaultObject = (s: JSONSchemaProps, v: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const prop = propertySchema(s, key);
    if (value === null && prop && !prop.nullable && prop.default === undefined) continue;
    out[key] = value;
  }
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const current = out[key];
    const missing = current === undefined || (current === null && !prop.nullable);
    if (missing && prop.default !== undefined) out[key] = structuredClone(prop.default);
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
