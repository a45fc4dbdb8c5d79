import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { v1alpha1, v1beta1 } from "../../../src/api";
import { validate } from "../../../src/apiserver/schema";
import { loadFixture } from "../../fixtures";
import { crdSchemaFor } from "./crdSchema";

type Decode = (u: unknown) => Either.Either<unknown, { path: string; message: string }>;

/** A copy of `obj` with the value at `path` (dot/bracket syntax) replaced, or removed when `value` is undefined. */
const setAt = (obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> => {
  const copy = structuredClone(obj);
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== "");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
};

const cases: ReadonlyArray<readonly [string, string, Decode, string, unknown]> = [
  ["v1alpha1/sandbox.yaml", "replicas 2", v1alpha1.decodeSandbox, "spec.replicas", 2],
  ["v1alpha1/sandbox.yaml", "replicas -1", v1alpha1.decodeSandbox, "spec.replicas", -1],
  ["v1alpha1/sandbox.yaml", "fractional replicas", v1alpha1.decodeSandbox, "spec.replicas", 0.5],
  ["v1alpha1/sandbox.yaml", "bad shutdownPolicy", v1alpha1.decodeSandbox, "spec.shutdownPolicy", "Forever"],
  ["v1alpha1/sandbox.yaml", "missing podTemplate", v1alpha1.decodeSandbox, "spec.podTemplate", undefined],
  [
    "v1alpha1/sandbox.yaml",
    "container name not a string",
    v1alpha1.decodeSandbox,
    "spec.podTemplate.spec.containers[0].name",
    7,
  ],
  [
    "v1alpha1/sandbox.yaml",
    "condition status not an enum",
    v1alpha1.decodeSandbox,
    "status.conditions[0].status",
    "Yes",
  ],
  ["v1beta1/sandbox.yaml", "bad operatingMode", v1beta1.decodeSandbox, "spec.operatingMode", "Paused"],
  ["v1beta1/sandbox.yaml", "service not a boolean", v1beta1.decodeSandbox, "spec.service", "yes"],
  ["v1beta1/sandbox.yaml", "podIPs not strings", v1beta1.decodeSandbox, "status.podIPs[0]", 10],
  [
    "v1beta1/python-sandbox-template.yaml",
    "bad envVarsInjectionPolicy",
    v1beta1.decodeSandboxTemplate,
    "spec.envVarsInjectionPolicy",
    "Sometimes",
  ],
  [
    "v1alpha1/python-sandbox-template.yaml",
    "containers not an array",
    v1alpha1.decodeSandboxTemplate,
    "spec.podTemplate.spec.containers",
    {},
  ],
  [
    "v1alpha1/sandbox-claim.yaml",
    "missing sandboxTemplateRef",
    v1alpha1.decodeSandboxClaim,
    "spec.sandboxTemplateRef",
    undefined,
  ],
  [
    "v1alpha1/sandbox-claim.yaml",
    "sandboxTemplateRef without name",
    v1alpha1.decodeSandboxClaim,
    "spec.sandboxTemplateRef.name",
    undefined,
  ],
  [
    "v1beta1/sandbox-claim.yaml",
    "missing warmPoolRef",
    v1beta1.decodeSandboxClaim,
    "spec.warmPoolRef",
    undefined,
  ],
  [
    "v1beta1/sandbox-claim.yaml",
    "negative ttl",
    v1beta1.decodeSandboxClaim,
    "spec.lifecycle.ttlSecondsAfterFinished",
    -5,
  ],
  [
    "v1beta1/sandbox-claim.yaml",
    "bad claim shutdownPolicy",
    v1beta1.decodeSandboxClaim,
    "spec.lifecycle.shutdownPolicy",
    "Later",
  ],
  [
    "v1beta1/sandbox-claim-cold.yaml",
    "env without value",
    v1beta1.decodeSandboxClaim,
    "spec.env[0].value",
    undefined,
  ],
  [
    "v1alpha1/sandbox-warm-pool.yaml",
    "missing replicas",
    v1alpha1.decodeSandboxWarmPool,
    "spec.replicas",
    undefined,
  ],
  [
    "v1beta1/sandbox-warm-pool.yaml",
    "bad updateStrategy",
    v1beta1.decodeSandboxWarmPool,
    "spec.updateStrategy.type",
    "Rolling",
  ],
  [
    "v1beta1/sandbox-warm-pool.yaml",
    "missing sandboxTemplateRef",
    v1beta1.decodeSandboxWarmPool,
    "spec.sandboxTemplateRef",
    undefined,
  ],
  ["v1beta1/sandbox-warm-pool.yaml", "wrong apiVersion", v1beta1.decodeSandboxWarmPool, "apiVersion", "v1"],
];

describe("invalid objects name the offending field", () => {
  test.each(cases.map(([file, name]) => `${file}: ${name}`))("%s", (title) => {
    const [file, , decode, path, value] = cases.find(([f, n]) => `${f}: ${n}` === title)!;
    const valid = loadFixture(file);
    expect(Either.isRight(decode(valid))).toBe(true);
    const result = decode(setAt(valid, path, value));
    if (Either.isRight(result)) throw new Error(`${title} was accepted`);
    expect(result.left.path).toBe(path);
    expect(result.left.message.length).toBeGreaterThan(0);
  });

  test("a label value that is not a string is named by its key", () => {
    const sandbox = loadFixture("v1beta1/sandbox.yaml");
    const result = v1beta1.decodeSandbox(setAt(sandbox, "metadata.labels", { tier: 1 }));
    expect(Either.isLeft(result) && result.left.path).toBe("metadata.labels.tier");
  });

  test("the CRD schema rejects the same spec-level mistakes", () => {
    const sandbox = loadFixture("v1alpha1/sandbox.yaml");
    const causes = validate(crdSchemaFor(sandbox), setAt(sandbox, "spec.replicas", 2));
    expect(causes.map((c) => c.field)).toEqual(["spec.replicas"]);
    const claim = loadFixture("v1beta1/sandbox-claim.yaml");
    const missing = validate(crdSchemaFor(claim), setAt(claim, "spec.warmPoolRef", undefined));
    expect(missing.map((c) => c.field)).toEqual(["spec.warmPoolRef"]);
  });
});
