// Structural-schema admission for custom resources: prune unknown fields, apply defaults, then validate
// (transition rules against the old object on updates). The schema logic itself lives in ./schema.
import type { KObject, ResourceDef } from "./resources/types";
import { applyDefaults, type JSONSchemaProps, prune, validate, validateUpdate } from "./schema";
import type { StatusCause } from "./status";

export interface Admitted {
  readonly object: KObject;
  readonly causes: ReadonlyArray<StatusCause>;
}

export const admitCustomResource = (
  def: ResourceDef,
  version: string,
  obj: KObject,
  old: KObject | undefined,
): Admitted => {
  const schema = def.crd?.schemas[version] as JSONSchemaProps | undefined;
  if (!schema) return { object: obj, causes: [] };
  const object = applyDefaults(schema, prune(schema, obj)) as KObject;
  const causes = old === undefined ? validate(schema, object) : validateUpdate(schema, object, old);
  return { object, causes };
};
