// Building blocks shared by every schema in src/api. They carry the OpenAPI facts (formats, list types,
// Kubernetes extensions) as annotations, so the CRD generator reads them from the same Schema that decodes.
import { Schema } from "effect";

/** Annotation holding OpenAPI keywords merged verbatim into the generated structural schema. */
export const OpenApiAnnotationId: unique symbol = Symbol.for("agent-sandbox/api/OpenApi");
export type OpenApiExtension = Readonly<Record<string, unknown>>;

export const openApi = (extension: OpenApiExtension) => ({ [OpenApiAnnotationId]: extension });

/** An optional field that is either absent or present with a value (never `undefined`). */
export const optional = <S extends Schema.Schema.All>(schema: S) =>
  Schema.optionalWith(schema, { exact: true });

export const Int32 = Schema.Int.annotations(openApi({ format: "int32" }));
export const Int64 = Schema.Int.annotations(openApi({ format: "int64" }));
export const DateTime = Schema.String.annotations(openApi({ format: "date-time" }));
/** Kubernetes `IntOrString` (ports, quantities). */
export const IntOrString = Schema.Union(Schema.Int, Schema.String).annotations(
  openApi({ "x-kubernetes-int-or-string": true }),
);
export const Quantity = IntOrString;
export const StringMap = Schema.Record({ key: Schema.String, value: Schema.String });
export const QuantityMap = Schema.Record({ key: Schema.String, value: Quantity });

const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown });

/**
 * A struct that models the fields we use and keeps every other field unchanged on decode and encode
 * (Kubernetes core objects are large; pruning what we do not model would lose user data).
 */
export const openStruct = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.Struct(fields, Rest);

/** `listType: atomic` array. */
export const atomicArray = <S extends Schema.Schema.Any>(item: S) =>
  Schema.Array(item).annotations(openApi({ "x-kubernetes-list-type": "atomic" }));
