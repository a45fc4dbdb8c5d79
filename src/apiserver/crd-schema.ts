// Structural-schema admission for custom resources: unknown fields are pruned while the body is decoded
// (so fieldValidation can report them), then defaults are applied and the object validated (transition
// rules against the old object on updates). The schema logic itself lives in ./schema.
import type { KObject, ResourceDef } from "./resources/types";
import { applyDefaults, type JSONSchemaProps, pruneWithReport, validate, validateUpdate } from "./schema";
import type { StatusCause } from "./status";

export interface Admitted {
  readonly object: KObject;
  readonly causes: ReadonlyArray<StatusCause>;
}

export interface Pruned {
  readonly object: KObject;
  /** Paths of the fields the schema does not know (`spec.foo`), now removed. */
  readonly unknown: ReadonlyArray<string>;
}

const schemaOf = (def: ResourceDef, version: string): JSONSchemaProps | undefined =>
  def.crd?.schemas[version] as JSONSchemaProps | undefined;

/** `settled`: the object's stored version when this schema admitted it (its unchanged parts are skipped). */
export const pruneCustomResource = (
  def: ResourceDef,
  version: string,
  obj: KObject,
  settled?: KObject,
): Pruned => {
  const schema = schemaOf(def, version);
  if (!schema) return { object: obj, unknown: [] };
  const { value, pruned } = pruneWithReport(schema, obj, true, settled);
  return { object: value as KObject, unknown: pruned };
};

/** Defaults and validation of an object already pruned by `pruneCustomResource`. */
export const admitCustomResource = (
  def: ResourceDef,
  version: string,
  obj: KObject,
  old: KObject | undefined,
  settled?: KObject,
): Admitted => {
  const schema = schemaOf(def, version);
  if (!schema) return { object: obj, causes: [] };
  const object = applyDefaults(schema, obj, settled) as KObject;
  const causes = old === undefined ? validate(schema, object) : validateUpdate(schema, object, old);
  return { object, causes };
};
