// The apiextensions.k8s.io/v1 JSONSchemaProps subset a structural CRD schema may use, and the field-error
// shape (a Kubernetes StatusCause) every check in this folder returns.

export type SchemaType = "object" | "array" | "string" | "integer" | "number" | "boolean";

/** One `x-kubernetes-validations` entry (a CEL rule). */
export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?:
    | "FieldValueInvalid"
    | "FieldValueForbidden"
    | "FieldValueRequired"
    | "FieldValueDuplicate";
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

export interface JSONSchemaProps {
  readonly type?: SchemaType;
  readonly format?: string;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly enum?: ReadonlyArray<unknown>;
  readonly properties?: Readonly<Record<string, JSONSchemaProps>>;
  readonly additionalProperties?: JSONSchemaProps | boolean;
  readonly required?: ReadonlyArray<string>;
  readonly items?: JSONSchemaProps;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly allOf?: ReadonlyArray<JSONSchemaProps>;
  readonly anyOf?: ReadonlyArray<JSONSchemaProps>;
  readonly oneOf?: ReadonlyArray<JSONSchemaProps>;
  readonly not?: JSONSchemaProps;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
  readonly "x-kubernetes-embedded-resource"?: boolean;
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  readonly "x-kubernetes-list-map-keys"?: ReadonlyArray<string>;
  readonly "x-kubernetes-map-type"?: "atomic" | "granular";
  readonly "x-kubernetes-validations"?: ReadonlyArray<ValidationRule>;
}

export type FieldReason =
  | "FieldValueRequired"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueTypeInvalid"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueForbidden"
  | "FieldValueDuplicate";

/** A Kubernetes `StatusCause` for one field: `{reason, message, field}` as kube-apiserver sends it. */
export interface FieldCause {
  readonly reason: FieldReason;
  readonly message: string;
  readonly field: string;
}

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);
