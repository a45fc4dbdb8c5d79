import { expect, setDefaultTimeout, test } from "bun:test";
import { Either } from "effect";
import fc from "fast-check";
import { v1alpha1 as alphaApi, v1beta1 as betaApi } from "../../../src/api";
import { type JSONSchemaProps, validate } from "../../../src/apiserver/schema";
import { crdSchemaFor } from "../../unit/api/crdSchema";
import { KINDS, v1alpha1, v1beta1 } from "./arbitraries";

// bun's default per-test timeout is 5 s (bunfig's [test] timeout is not read); property runs and child
// processes can take longer on a loaded machine.
setDefaultTimeout(60_000);

type Decode = (u: unknown) => Either.Either<unknown, { path: string }>;
const decoders: Record<string, Record<string, Decode>> = {
  v1alpha1: {
    Sandbox: alphaApi.decodeSandbox,
    SandboxTemplate: alphaApi.decodeSandboxTemplate,
    SandboxClaim: alphaApi.decodeSandboxClaim,
    SandboxWarmPool: alphaApi.decodeSandboxWarmPool,
  },
  v1beta1: {
    Sandbox: betaApi.decodeSandbox,
    SandboxTemplate: betaApi.decodeSandboxTemplate,
    SandboxClaim: betaApi.decodeSandboxClaim,
    SandboxWarmPool: betaApi.decodeSandboxWarmPool,
  },
};

interface Leaf {
  readonly keys: ReadonlyArray<string | number>;
  readonly path: string;
  readonly value: unknown;
}

/** Scalar values the CRD schema types exactly (not int-or-string, not preserved unknown fields). */
const typedLeaves = (
  schema: JSONSchemaProps,
  value: unknown,
  keys: Array<string | number> = [],
  path = "",
): Leaf[] => {
  if (Array.isArray(value) && schema.items) {
    return value.flatMap((item, i) => typedLeaves(schema.items!, item, [...keys, i], `${path}[${i}]`));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => {
      const childSchema = schema.properties?.[key];
      const childPath = path === "" ? key : `${path}.${key}`;
      return childSchema === undefined ? [] : typedLeaves(childSchema, child, [...keys, key], childPath);
    });
  }
  const exact = schema.type !== undefined && !schema["x-kubernetes-int-or-string"];
  return exact ? [{ keys, path, value }] : [];
};

const replaced = (obj: unknown, keys: ReadonlyArray<string | number>, value: unknown): unknown => {
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
};

const wrongTypeFor = (value: unknown): unknown =>
  typeof value === "string" ? 12 : "not-a-scalar-of-this-type";

test.each(KINDS.flatMap((kind) => [`v1alpha1 ${kind}`, `v1beta1 ${kind}`]))(
  "%s: a wrongly typed field is named by decode and by the CRD schema alike",
  (name) => {
    const [version, kind] = name.split(" ") as ["v1alpha1" | "v1beta1", (typeof KINDS)[number]];
    const arbitrary = (version === "v1alpha1" ? v1alpha1 : v1beta1)[kind];
    const withLeaf = arbitrary.chain((object) => {
      const leaves = typedLeaves(crdSchemaFor(object), object).filter(
        (l) => l.keys[0] !== "apiVersion" && l.keys[0] !== "kind",
      );
      return fc.constantFrom(...leaves).map((leaf) => ({ object, leaf }));
    });
    fc.assert(
      fc.property(withLeaf, ({ object, leaf }) => {
        const broken = replaced(object, leaf.keys, wrongTypeFor(leaf.value));
        const decoded = decoders[version]![kind]!(broken);
        expect(Either.isLeft(decoded) && decoded.left.path).toBe(leaf.path);
        expect(validate(crdSchemaFor(object), broken).map((cause) => cause.field)).toEqual([leaf.path]);
      }),
      { numRuns: 100 },
    );
  },
);
