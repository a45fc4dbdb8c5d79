import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { Either } from "effect";
import fc from "fast-check";
import { v1alpha1 as alphaApi, v1beta1 as betaApi, convertObject } from "../../../src/api";
import { validate } from "../../../src/apiserver/schema";
import { crdSchemaFor } from "../../unit/api/crdSchema";
import { KINDS, v1alpha1, v1beta1 } from "./arbitraries";

// bun's default per-test timeout is 5 s (bunfig's [test] timeout is not read); property runs and child
// processes can take longer on a loaded machine.
setDefaultTimeout(60_000);

const NUM_RUNS = 150;

type Codec = {
  decode: (u: unknown) => Either.Either<unknown, unknown>;
  encode: (a: never) => Either.Either<unknown, unknown>;
};
const codecs: Record<string, Record<string, Codec>> = {
  v1alpha1: {
    Sandbox: { decode: alphaApi.decodeSandbox, encode: alphaApi.encodeSandbox },
    SandboxTemplate: { decode: alphaApi.decodeSandboxTemplate, encode: alphaApi.encodeSandboxTemplate },
    SandboxClaim: { decode: alphaApi.decodeSandboxClaim, encode: alphaApi.encodeSandboxClaim },
    SandboxWarmPool: { decode: alphaApi.decodeSandboxWarmPool, encode: alphaApi.encodeSandboxWarmPool },
  },
  v1beta1: {
    Sandbox: { decode: betaApi.decodeSandbox, encode: betaApi.encodeSandbox },
    SandboxTemplate: { decode: betaApi.decodeSandboxTemplate, encode: betaApi.encodeSandboxTemplate },
    SandboxClaim: { decode: betaApi.decodeSandboxClaim, encode: betaApi.encodeSandboxClaim },
    SandboxWarmPool: { decode: betaApi.decodeSandboxWarmPool, encode: betaApi.encodeSandboxWarmPool },
  },
};

const arbitraries = { v1alpha1, v1beta1 } as const;
const group = (kind: string) => (kind === "Sandbox" ? "agents.x-k8s.io" : "extensions.agents.x-k8s.io");
const convert = (obj: unknown, to: string) =>
  Either.getOrThrowWith(convertObject(obj, to), (e) => new Error(`${e}`));

describe.each(["v1alpha1", "v1beta1"] as const)("%s", (version) => {
  const otherVersion = version === "v1alpha1" ? "v1beta1" : "v1alpha1";

  test.each(KINDS)("%s: decode(encode(x)) = x and the CRD schema accepts x", (kind) => {
    const codec = codecs[version]![kind]!;
    fc.assert(
      fc.property(arbitraries[version][kind], (object) => {
        const decoded = Either.getOrThrow(codec.decode(object));
        expect(decoded).toEqual(object);
        expect(codec.decode(Either.getOrThrow(codec.encode(decoded as never)))).toEqual(
          Either.right(decoded),
        );
        expect(validate(crdSchemaFor(object), object)).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test.each(KINDS)(`%s: ${version} -> ${otherVersion} -> ${version} is the identity`, (kind) => {
    fc.assert(
      fc.property(arbitraries[version][kind], (object) => {
        const there = convert(object, `${group(kind)}/${otherVersion}`);
        expect(validate(crdSchemaFor(there), there)).toEqual([]);
        expect(convert(there, `${group(kind)}/${version}`)).toEqual(object);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

test("decoders and convertObject never throw on arbitrary JSON", () => {
  const decoders = Object.values(codecs).flatMap((byKind) => Object.values(byKind).map((c) => c.decode));
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(...KINDS), (value, kind) => {
      for (const decode of decoders) expect(Either.isEither(decode(value))).toBe(true);
      const withKind = typeof value === "object" && value !== null ? { ...value, kind } : value;
      expect(Either.isEither(convertObject(withKind, `${group(kind)}/v1beta1`))).toBe(true);
    }),
    { numRuns: NUM_RUNS },
  );
});
