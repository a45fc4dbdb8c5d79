// convertObject: what the embedded API server and the conversion webhook call to serve v1alpha1 and
// v1beta1 of the four kinds from one stored version. Lossless: converting there and back gives the input.
import { Either } from "effect";
import type { DecodeError } from "../decode";
import { RESOURCES } from "../names";
import * as v1alpha1 from "../v1alpha1/index";
import * as v1beta1 from "../v1beta1/index";
import { ConversionError } from "./error";
import { sandboxToV1alpha1, sandboxToV1beta1 } from "./sandbox";
import { sandboxClaimToV1alpha1, sandboxClaimToV1beta1 } from "./sandboxClaim";
import { sandboxTemplateToV1alpha1, sandboxTemplateToV1beta1 } from "./sandboxTemplate";
import { sandboxWarmPoolToV1alpha1, sandboxWarmPoolToV1beta1 } from "./sandboxWarmPool";

export { ConversionError } from "./error";
export { isSpecificPool, poolOfV1alpha1Claim } from "./sandboxClaim";

type Convert = (obj: unknown) => Either.Either<Record<string, unknown>, ConversionError>;

const fromDecodeError = (error: DecodeError) =>
  new ConversionError({ path: error.path, message: error.message });

/** decode as the source version, convert, encode as the target version. */
const pipeline =
  <A, B>(
    decode: (u: unknown) => Either.Either<A, DecodeError>,
    convert: (a: A) => Either.Either<B, ConversionError>,
    encode: (b: B) => Either.Either<unknown, DecodeError>,
  ): Convert =>
  (obj) =>
    decode(obj).pipe(
      Either.mapLeft(fromDecodeError),
      Either.flatMap(convert),
      Either.flatMap((converted) => Either.mapLeft(encode(converted), fromDecodeError)),
      Either.map((encoded) => encoded as Record<string, unknown>),
    );

/** kind -> target version -> conversion from the other version. */
const conversions: Record<string, Record<string, Convert>> = {
  Sandbox: {
    v1beta1: pipeline(v1alpha1.decodeSandbox, sandboxToV1beta1, v1beta1.encodeSandbox),
    v1alpha1: pipeline(v1beta1.decodeSandbox, sandboxToV1alpha1, v1alpha1.encodeSandbox),
  },
  SandboxTemplate: {
    v1beta1: pipeline(
      v1alpha1.decodeSandboxTemplate,
      sandboxTemplateToV1beta1,
      v1beta1.encodeSandboxTemplate,
    ),
    v1alpha1: pipeline(
      v1beta1.decodeSandboxTemplate,
      sandboxTemplateToV1alpha1,
      v1alpha1.encodeSandboxTemplate,
    ),
  },
  SandboxClaim: {
    v1beta1: pipeline(v1alpha1.decodeSandboxClaim, sandboxClaimToV1beta1, v1beta1.encodeSandboxClaim),
    v1alpha1: pipeline(v1beta1.decodeSandboxClaim, sandboxClaimToV1alpha1, v1alpha1.encodeSandboxClaim),
  },
  SandboxWarmPool: {
    v1beta1: pipeline(
      v1alpha1.decodeSandboxWarmPool,
      sandboxWarmPoolToV1beta1,
      v1beta1.encodeSandboxWarmPool,
    ),
    v1alpha1: pipeline(
      v1beta1.decodeSandboxWarmPool,
      sandboxWarmPoolToV1alpha1,
      v1alpha1.encodeSandboxWarmPool,
    ),
  },
};

const fail = (path: string, message: string) => Either.left(new ConversionError({ path, message }));

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * Converts a Sandbox, SandboxTemplate, SandboxClaim or SandboxWarmPool to `toApiVersion` (same group,
 * v1alpha1 or v1beta1). An object already in that version is returned unchanged. Never throws.
 */
export const convertObject = (
  obj: unknown,
  toApiVersion: string,
): Either.Either<Record<string, unknown>, ConversionError> => {
  if (!isRecord(obj)) return fail("", "expected an object");
  const { apiVersion, kind } = obj;
  if (typeof kind !== "string") return fail("kind", "expected a string");
  if (typeof apiVersion !== "string") return fail("apiVersion", "expected a string");
  const resource = RESOURCES.find((r) => r.kind === kind);
  if (resource === undefined) return fail("kind", `cannot convert kind ${JSON.stringify(kind)}`);
  const versionOf = (value: string, path: string) => {
    const prefix = `${resource.group}/`;
    const version = value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
    return version !== undefined && (resource.versions as ReadonlyArray<string>).includes(version)
      ? Either.right(version)
      : fail(
          path,
          `${kind} is served as ${resource.versions.map((v) => prefix + v).join(" or ")}, not ${value}`,
        );
  };
  return Either.all([versionOf(apiVersion, "apiVersion"), versionOf(toApiVersion, "toApiVersion")]).pipe(
    Either.flatMap(([from, to]) => {
      if (from === to) return Either.right(obj);
      const convert = conversions[kind]?.[to];
      return convert === undefined ? fail("toApiVersion", `no conversion to ${toApiVersion}`) : convert(obj);
    }),
  );
};
