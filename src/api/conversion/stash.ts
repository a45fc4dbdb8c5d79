// What one API version cannot express travels in an annotation of the converted object, so that converting
// back restores it exactly. Each direction has its own annotation; converting back removes it again.
import { Either, Schema } from "effect";
import type { ObjectMeta } from "../core/meta";
import { formatPath } from "../decode";
import { optional } from "../kubeSchema";
import { ConversionError } from "./error";

export interface Taken<S> {
  readonly metadata: ObjectMeta;
  readonly state: S | undefined;
}

const envelope = <S, I>(state: Schema.Schema<S, I>) =>
  Schema.parseJson(
    Schema.Struct({
      state,
      /** The object had no annotations before the stash was added; drop the map again with the stash. */
      createdAnnotations: optional(Schema.Boolean),
    }),
  );

/** Removes the stash `key` from the metadata and returns its decoded state. */
export const takeStash = <S, I>(
  metadata: ObjectMeta,
  key: string,
  schema: Schema.Schema<S, I>,
): Either.Either<Taken<S>, ConversionError> => {
  const annotations = metadata.annotations;
  const raw = annotations?.[key];
  if (annotations === undefined || raw === undefined) return Either.right({ metadata, state: undefined });
  return Schema.decodeUnknownEither(envelope(schema))(raw).pipe(
    Either.mapLeft(
      (error) =>
        new ConversionError({
          path: formatPath(["metadata", "annotations", key]),
          message: `not a conversion state this version wrote: ${error.message}`,
        }),
    ),
    Either.map(({ state, createdAnnotations }) => {
      const { [key]: _, ...rest } = annotations;
      const { annotations: __, ...withoutAnnotations } = metadata;
      const keepMap = Object.keys(rest).length > 0 || createdAnnotations !== true;
      return { metadata: keepMap ? { ...metadata, annotations: rest } : withoutAnnotations, state };
    }),
  );
};

/** Adds the stash `key` holding `state` (plain JSON data) to the metadata. */
export const putStash = <S>(metadata: ObjectMeta, key: string, state: S): ObjectMeta => {
  const createdAnnotations = metadata.annotations === undefined;
  const value = JSON.stringify(createdAnnotations ? { state, createdAnnotations } : { state });
  return { ...metadata, annotations: { ...metadata.annotations, [key]: value } };
};
