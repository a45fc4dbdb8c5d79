import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { v1alpha1, v1beta1 } from "../../../src/api";
import { applyDefaults, validate } from "../../../src/apiserver/schema";
import { type Fixture, fixtures } from "../../fixtures";
import { crdSchemaFor, versionOf } from "./crdSchema";

const decoders: Record<string, Record<string, (u: unknown) => Either.Either<unknown, { path: string }>>> = {
  v1alpha1: {
    Sandbox: v1alpha1.decodeSandbox,
    SandboxTemplate: v1alpha1.decodeSandboxTemplate,
    SandboxClaim: v1alpha1.decodeSandboxClaim,
    SandboxWarmPool: v1alpha1.decodeSandboxWarmPool,
  },
  v1beta1: {
    Sandbox: v1beta1.decodeSandbox,
    SandboxTemplate: v1beta1.decodeSandboxTemplate,
    SandboxClaim: v1beta1.decodeSandboxClaim,
    SandboxWarmPool: v1beta1.decodeSandboxWarmPool,
  },
};

const decoderFor = (object: Record<string, unknown>) => decoders[versionOf(object)]![String(object.kind)]!;

const valid: ReadonlyArray<Fixture> = [...fixtures("v1alpha1"), ...fixtures("v1beta1")];
const byPath = new Map([...valid, ...fixtures("invalid")].map((f) => [f.path, f]));
const paths = (list: ReadonlyArray<Fixture>) => list.map((f) => f.path);

describe("valid fixtures", () => {
  test("cover every kind in both versions, including the article's template", () => {
    const seen = new Set(valid.map((f) => `${f.set}/${f.object.kind}`));
    for (const set of ["v1alpha1", "v1beta1"])
      for (const kind of ["Sandbox", "SandboxTemplate", "SandboxClaim", "SandboxWarmPool"])
        expect(seen.has(`${set}/${kind}`)).toBe(true);
    expect(valid.some((f) => f.path === "v1alpha1/python-sandbox-template.yaml")).toBe(true);
  });

  test.each(paths(valid))("%s decodes without losing a field", (path) => {
    const fixture = byPath.get(path)!;
    const decoded = decoderFor(fixture.object)(fixture.object);
    expect(decoded).toEqual(Either.right(fixture.object));
  });

  test.each(paths(valid))("%s validates against its CRD schema, also after defaulting", (path) => {
    const fixture = byPath.get(path)!;
    const schema = crdSchemaFor(fixture.object);
    expect(validate(schema, fixture.object)).toEqual([]);
    const defaulted = applyDefaults(schema, fixture.object);
    expect(validate(schema, defaulted)).toEqual([]);
    expect(Either.isRight(decoderFor(fixture.object)(defaulted))).toBe(true);
  });
});

describe("invalid fixtures", () => {
  const expectedPath: Record<string, string> = {
    "invalid/sandbox-replicas-2.yaml": "spec.replicas",
    "invalid/sandbox-claim-missing-ref.yaml": "spec.warmPoolRef",
    "invalid/sandbox-bad-operating-mode.yaml": "spec.operatingMode",
    "invalid/sandbox-warm-pool-negative.yaml": "spec.replicas",
  };

  test("every invalid fixture has an expectation", () => {
    expect(fixtures("invalid").map((f) => f.path)).toEqual(Object.keys(expectedPath).sort());
  });

  test.each(paths(fixtures("invalid")))("%s is rejected at its field by decode and by the CRD", (path) => {
    const fixture = byPath.get(path)!;
    const decoded = decoderFor(fixture.object)(fixture.object);
    expect(Either.isLeft(decoded) && decoded.left.path).toBe(expectedPath[path]!);
    const causes = validate(crdSchemaFor(fixture.object), fixture.object);
    expect(causes.map((c) => c.field)).toContain(expectedPath[path]!);
  });
});
