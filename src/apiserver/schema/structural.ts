// Checks that a CRD's openAPIV3Schema is a structural schema kube-apiserver would accept, so a CRD the
// real server rejects with 422 is rejected here too. Paths follow kube's form:
// `spec.versions[0].schema.openAPIV3Schema.properties[spec].type`.
import { forbidden, invalid, notSupported, required } from "./causes";
import { applyDefaults } from "./defaults";
import { pruneWithReport } from "./prune";
import { compilePattern } from "./scalars";
import { type FieldCause, isObject, type JSONSchemaProps } from "./types";
import { validate } from "./validate";

const TYPES = ["array", "boolean", "integer", "number", "object", "string"];
const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;
const UNSUPPORTED = [
  "$ref",
  "$schema",
  "id",
  "definitions",
  "dependencies",
  "patternProperties",
  "additionalItems",
];
/** Keywords a value validation (inside allOf/anyOf/oneOf/not) may not carry: they would change the structure. */
const STRUCTURE_ONLY = [
  "type",
  "default",
  "nullable",
  "description",
  "title",
  "additionalProperties",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
];

interface Ctx {
  readonly out: FieldCause[];
}

const isIntOrStringAnyOf = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length === 2 &&
  isObject(v[0]) &&
  isObject(v[1]) &&
  v[0].type === "integer" &&
  v[1].type === "string";

const checkKeywordShapes = (s: Record<string, unknown>, path: string, c: Ctx): void => {
  for (const k of UNSUPPORTED) if (k in s) c.out.push(forbidden(`${path}.${k}`, `${k} is not supported`));
  if (s.type !== undefined && !TYPES.includes(s.type as string)) {
    c.out.push(notSupported(`${path}.type`, s.type, TYPES));
  }
  if (
    s.required !== undefined &&
    !(Array.isArray(s.required) && s.required.every((r) => typeof r === "string"))
  ) {
    c.out.push(invalid(`${path}.required`, s.required, "must be a list of strings"));
  }
  if (typeof s.pattern === "string" && compilePattern(s.pattern) === null) {
    c.out.push(invalid(`${path}.pattern`, s.pattern, "must be a valid regular expression"));
  }
  if (s.uniqueItems === true) {
    c.out.push(
      forbidden(
        `${path}.uniqueItems`,
        "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
      ),
    );
  }
  if (s.additionalProperties === false) {
    c.out.push(forbidden(`${path}.additionalProperties`, "additionalProperties cannot be set to false"));
  }
  if (s.properties !== undefined && isObject(s.additionalProperties)) {
    c.out.push(
      forbidden(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"),
    );
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === false) {
    c.out.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, "must be true or undefined"));
  }
};

const checkExtensions = (s: Record<string, unknown>, path: string, c: Ctx): void => {
  if (s["x-kubernetes-int-or-string"] === true) {
    if (s.type !== undefined)
      c.out.push(invalid(`${path}.type`, s.type, "must be empty if x-kubernetes-int-or-string is true"));
    if (s.anyOf !== undefined && !isIntOrStringAnyOf(s.anyOf)) {
      c.out.push(
        forbidden(
          `${path}.anyOf`,
          "must be [{type: integer},{type: string}] if x-kubernetes-int-or-string is true",
        ),
      );
    }
  }
  if (s["x-kubernetes-embedded-resource"] === true) {
    if (s.type !== "object")
      c.out.push(required(`${path}.type`, "must be object if x-kubernetes-embedded-resource is true"));
    if (s.properties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) {
      c.out.push(
        required(
          `${path}.properties`,
          "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
        ),
      );
    }
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType !== undefined) {
    if (!["atomic", "set", "map"].includes(listType as string)) {
      c.out.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ["atomic", "set", "map"]));
    } else if (s.type !== "array") {
      c.out.push(
        invalid(`${path}.type`, s.type ?? "", "must be array if x-kubernetes-list-type is specified"),
      );
    }
  }
  const keys = s["x-kubernetes-list-map-keys"];
  if (listType === "map" && (!Array.isArray(keys) || keys.length === 0)) {
    c.out.push(
      required(`${path}.x-kubernetes-list-map-keys`, "must not be empty if x-kubernetes-list-type is map"),
    );
  }
  if (keys !== undefined && listType !== "map") {
    c.out.push(forbidden(`${path}.x-kubernetes-list-map-keys`, "requires x-kubernetes-list-type to be map"));
  }
};

/**
 * A default must survive pruning (kube rejects defaults with unknown fields) and, with the defaults nested
 * inside it applied, be valid.
 */
const checkDefault = (s: Record<string, unknown>, path: string, c: Ctx): void => {
  if (s.default === undefined) return;
  const schema = s as JSONSchemaProps;
  if (pruneWithReport(schema, s.default, false).pruned.length > 0) {
    c.out.push(invalid(`${path}.default`, s.default, "must not have unknown fields"));
    return;
  }
  for (const cause of validate(schema, applyDefaults(schema, s.default), `${path}.default`))
    c.out.push(cause);
};

const checkValueValidation = (s: unknown, path: string, parent: Record<string, unknown>, c: Ctx): void => {
  if (!isObject(s)) {
    c.out.push(invalid(path, s, "must be a schema object"));
    return;
  }
  for (const k of STRUCTURE_ONLY)
    if (k in s) c.out.push(forbidden(`${path}.${k}`, "must be empty to be structural"));
  const parentProps = isObject(parent.properties) ? parent.properties : {};
  if (isObject(s.properties)) {
    for (const name of Object.keys(s.properties)) {
      if (!(name in parentProps)) {
        c.out.push(
          forbidden(
            `${path}.properties[${name}]`,
            "must have a corresponding property in the structural schema",
          ),
        );
      }
    }
  }
};

const checkNode = (s: unknown, path: string, c: Ctx, root: boolean): void => {
  if (!isObject(s)) {
    c.out.push(invalid(path, s, "must be a schema object"));
    return;
  }
  checkKeywordShapes(s, path, c);
  checkExtensions(s, path, c);
  const typeless =
    s["x-kubernetes-int-or-string"] === true || s["x-kubernetes-preserve-unknown-fields"] === true;
  if (s.type === undefined && !typeless) {
    c.out.push(required(`${path}.type`, "must not be empty for specified object fields"));
  }
  if (root && s.type !== "object")
    c.out.push(invalid(`${path}.type`, s.type ?? "", "must be object at the root"));
  if (s.type === "array" && s.items === undefined) c.out.push(required(`${path}.items`, "must be specified"));
  if (isObject(s.properties)) {
    for (const [name, prop] of Object.entries(s.properties)) {
      if (root && name === "metadata") checkRootMetadata(prop, `${path}.properties[metadata]`, c);
      else checkNode(prop, `${path}.properties[${name}]`, c, false);
    }
  }
  if (isObject(s.additionalProperties))
    checkNode(s.additionalProperties, `${path}.additionalProperties`, c, false);
  if (s.items !== undefined) checkNode(s.items, `${path}.items`, c, false);
  for (const k of COMBINATORS) {
    const list = s[k];
    if (list !== undefined && !Array.isArray(list))
      c.out.push(invalid(`${path}.${k}`, list, "must be a list of schemas"));
    // The one sanctioned typed value validation: int-or-string's anyOf [{type: integer},{type: string}].
    const intOrString = s["x-kubernetes-int-or-string"] === true && k === "anyOf" && isIntOrStringAnyOf(list);
    if (Array.isArray(list) && !intOrString) {
      list.forEach((sub, i) => {
        checkValueValidation(sub, `${path}.${k}[${i}]`, s, c);
      });
    }
  }
  if (s.not !== undefined) checkValueValidation(s.not, `${path}.not`, s, c);
  checkDefault(s, path, c);
};

/** At the root, metadata may only restrict name and generateName (kube owns the rest of ObjectMeta). */
const checkRootMetadata = (s: unknown, path: string, c: Ctx): void => {
  if (!isObject(s)) {
    checkNode(s, path, c, false);
    return;
  }
  if (s.type !== undefined && s.type !== "object")
    c.out.push(invalid(`${path}.type`, s.type, "must be object"));
  const props = isObject(s.properties) ? Object.keys(s.properties) : [];
  const extra = Object.keys(s).filter((k) => !["type", "properties", "description"].includes(k));
  if (extra.length > 0 || props.some((p) => p !== "name" && p !== "generateName")) {
    c.out.push(
      forbidden(
        path,
        "must not specify anything other than name and generateName, but metadata is implicitly specified",
      ),
    );
  }
};

/**
 * Causes that make `schema` unacceptable as a CRD version's openAPIV3Schema; empty when it is structural.
 * `basePath` is where the schema sits in the CRD, e.g. `spec.versions[0].schema.openAPIV3Schema`.
 */
export const checkStructural = (schema: unknown, basePath = "openAPIV3Schema"): FieldCause[] => {
  const c: Ctx = { out: [] };
  checkNode(schema, basePath, c, true);
  return c.out;
};
