// Walks an Effect Schema AST and produces the Kubernetes structural OpenAPI v3 schema for it, so the CRDs
// are generated from the very Schemas that decode objects (one source of truth).
import { SchemaAST as AST, Option } from "effect";
import { OpenApiAnnotationId } from "../kubeSchema";

export type JSONSchemaProps = { [key: string]: unknown };

export class UnsupportedSchemaError extends Error {
  constructor(path: string, what: string) {
    super(`cannot express ${what} at ${path === "" ? "<root>" : path} as a structural schema`);
  }
}

// Only our OpenApi annotation adds descriptions: Effect's own (on keywords and built-in refinements) are generic.
const annotationsOf = (ast: AST.AST): JSONSchemaProps => {
  const out: JSONSchemaProps = {};
  const fallback = AST.getDefaultAnnotation(ast);
  if (Option.isSome(fallback)) out.default = fallback.value;
  return { ...out, ...(ast.annotations[OpenApiAnnotationId] as JSONSchemaProps | undefined) };
};

const literalUnion = (members: ReadonlyArray<AST.AST>): Array<AST.LiteralValue> | undefined => {
  const values: Array<AST.LiteralValue> = [];
  for (const member of members) {
    if (member._tag !== "Literal") return undefined;
    values.push(member.literal);
  }
  return values;
};

const literalSchema = (values: ReadonlyArray<AST.LiteralValue>, path: string): JSONSchemaProps => {
  const types = new Set(values.map((v) => typeof v));
  const [type] = types;
  if (types.size !== 1 || (type !== "string" && type !== "number" && type !== "boolean")) {
    throw new UnsupportedSchemaError(path, "a mixed literal union");
  }
  return { type, enum: [...values] };
};

const walk = (ast: AST.AST, path: string): JSONSchemaProps => {
  switch (ast._tag) {
    case "StringKeyword":
      return { type: "string" };
    case "NumberKeyword":
      return { type: "number" };
    case "BooleanKeyword":
      return { type: "boolean" };
    case "UnknownKeyword":
    case "AnyKeyword":
      return { "x-kubernetes-preserve-unknown-fields": true };
    case "Literal":
      return literalSchema([ast.literal], path);
    case "Refinement": {
      const jsonSchema = Option.getOrElse(AST.getJSONSchemaAnnotation(ast), () => ({}));
      return { ...toStructural(ast.from, path), ...jsonSchema };
    }
    case "TupleType": {
      const [rest, ...more] = ast.rest;
      if (ast.elements.length > 0 || rest === undefined || more.length > 0) {
        throw new UnsupportedSchemaError(path, "a tuple");
      }
      return { type: "array", items: toStructural(rest.type, `${path}[]`) };
    }
    case "TypeLiteral":
      return typeLiteral(ast, path);
    case "Transformation":
      // CRDs describe the wire form: the encoded side.
      return toStructural(ast.from, path);
    case "Union": {
      const nonNull = ast.types.filter((t) => !(t._tag === "Literal" && t.literal === null));
      const nullable = nonNull.length < ast.types.length ? { nullable: true } : {};
      const [single] = nonNull;
      if (nonNull.length === 1 && single !== undefined) return { ...toStructural(single, path), ...nullable };
      const literals = literalUnion(nonNull);
      if (literals !== undefined) return { ...literalSchema(literals, path), ...nullable };
      // Other unions (IntOrString) must say what they are through an OpenApi annotation.
      if (ast.annotations[OpenApiAnnotationId] !== undefined) return nullable;
      throw new UnsupportedSchemaError(path, "a union");
    }
    default:
      throw new UnsupportedSchemaError(path, ast._tag);
  }
};

const typeLiteral = (ast: AST.TypeLiteral, path: string): JSONSchemaProps => {
  const out: JSONSchemaProps = { type: "object" };
  const properties: JSONSchemaProps = {};
  const required: Array<string> = [];
  for (const property of ast.propertySignatures) {
    if (typeof property.name !== "string") throw new UnsupportedSchemaError(path, "a symbol key");
    const childPath = path === "" ? property.name : `${path}.${property.name}`;
    properties[property.name] = toStructural(property.type, childPath);
    if (!property.isOptional) required.push(property.name);
  }
  if (ast.propertySignatures.length > 0) out.properties = properties;
  if (required.length > 0) out.required = required.sort();
  const [index, ...moreIndexes] = ast.indexSignatures;
  if (index !== undefined) {
    if (moreIndexes.length > 0) throw new UnsupportedSchemaError(path, "several index signatures");
    if (index.type._tag === "UnknownKeyword") {
      out["x-kubernetes-preserve-unknown-fields"] = true;
    } else if (ast.propertySignatures.length === 0) {
      out.additionalProperties = toStructural(index.type, `${path}.*`);
    } else {
      throw new UnsupportedSchemaError(path, "typed extra properties next to known ones");
    }
  }
  return out;
};

/** The structural schema of one AST node, with its annotations (default, OpenAPI extensions) applied. */
export const toStructural = (ast: AST.AST, path = ""): JSONSchemaProps => ({
  ...walk(ast, path),
  ...annotationsOf(ast),
});
