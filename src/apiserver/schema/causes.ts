// Field errors worded as kube-apiserver words them (apimachinery's field.Error plus the kube-openapi
// validator's details), so clients that match on messages see the same text.
import type { FieldCause } from "./types";

/**
 * How Go's field.Error prints a bad value: numbers and booleans bare, strings quoted, null as "null".
 * Objects and arrays print as JSON (Go would print its own `%#v` syntax, which no client parses).
 */
export const formatValue = (v: unknown): string => {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
};

/** What the kube-openapi validator names a JSON value's type in messages. */
export const jsonTypeName = (v: unknown): string => {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
};

export const required = (field: string, detail = ""): FieldCause => ({
  reason: "FieldValueRequired",
  message: detail ? `Required value: ${detail}` : "Required value",
  field,
});

export const invalid = (field: string, value: unknown, detail: string): FieldCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${formatValue(value)}: ${detail}`,
  field,
});

export const typeInvalid = (field: string, value: unknown, detail: string): FieldCause => ({
  reason: "FieldValueTypeInvalid",
  message: `Invalid value: ${formatValue(value)}: ${detail}`,
  field,
});

/** Allowed values print quoted; non-strings as their JSON, quoted again (Go's strconv.Quote of it). */
export const notSupported = (field: string, value: unknown, allowed: ReadonlyArray<unknown>): FieldCause => {
  const list = allowed.map((a) => JSON.stringify(typeof a === "string" ? a : JSON.stringify(a))).join(", ");
  return {
    reason: "FieldValueNotSupported",
    message: `Unsupported value: ${formatValue(value)}${list ? `: supported values: ${list}` : ""}`,
    field,
  };
};

export const tooLong = (field: string, max: number): FieldCause => ({
  reason: "FieldValueTooLong",
  message: `Too long: may not be more than ${max} bytes`,
  field,
});

export const tooMany = (field: string, actual: number, max: number): FieldCause => ({
  reason: "FieldValueTooMany",
  message: `Too many: ${actual}: must have at most ${max} items`,
  field,
});

export const forbidden = (field: string, detail: string): FieldCause => ({
  reason: "FieldValueForbidden",
  message: detail ? `Forbidden: ${detail}` : "Forbidden",
  field,
});

export const duplicate = (field: string, value: unknown): FieldCause => ({
  reason: "FieldValueDuplicate",
  message: `Duplicate value: ${formatValue(value)}`,
  field,
});

/** The kube-openapi validator's "<path> in body ..." wording. */
export const inBody = (path: string, text: string): string => `${path} in body ${text}`;
