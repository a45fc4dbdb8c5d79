// Decoding unknown input into typed objects without throwing; errors name the offending field.
import { Data, Either, ParseResult, Schema } from "effect";

export class DecodeError extends Data.TaggedError("DecodeError")<{
  /** Field path such as `spec.podTemplate.spec.containers[0].name`; empty for the object itself. */
  readonly path: string;
  readonly message: string;
}> {
  override toString(): string {
    return this.path === "" ? this.message : `${this.path}: ${this.message}`;
  }
}

export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    const name = String(key);
    return acc === "" ? name : `${acc}.${name}`;
  }, "");

const toDecodeError = (error: ParseResult.ParseError): DecodeError => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error);
  return new DecodeError({
    path: formatPath(issue?.path ?? []),
    message: issue?.message ?? error.message,
  });
};

/** `(u) => Either<A, DecodeError>` for a schema; unknown top-level fields are dropped, as the API server prunes them. */
export const makeDecoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema);
  return (u: unknown): Either.Either<A, DecodeError> => Either.mapLeft(decode(u), toDecodeError);
};

/** `(a) => Either<I, DecodeError>`: the wire form of a typed object. */
export const makeEncoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeEither(schema);
  return (a: A): Either.Either<I, DecodeError> => Either.mapLeft(encode(a), toDecodeError);
};
