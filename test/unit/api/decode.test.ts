import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { decodeSandbox, decodeSandboxClaim, decodeSandboxWarmPool } from "../../../src/api";

const sandbox = (spec: unknown) => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name: "s1", namespace: "default" },
  spec,
});

const errorOf = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error("expected a decode error");
  return result.left;
};

describe("v1beta1 decoders", () => {
  test("decode a minimal sandbox and keep unknown pod spec fields", () => {
    const input = sandbox({
      podTemplate: {
        spec: { containers: [{ name: "c", image: "i", tty: true }], hostAliases: [{ ip: "1.2.3.4" }] },
      },
    });
    const decoded = decodeSandbox(input);
    expect(Either.isRight(decoded)).toBe(true);
    expect(Either.getOrThrow(decoded)).toEqual(input as never);
  });

  test("errors name the field path", () => {
    const bad = sandbox({ podTemplate: { spec: { containers: [{ image: "i" }] } } });
    const error = errorOf(decodeSandbox(bad));
    expect(error.path).toBe("spec.podTemplate.spec.containers[0].name");
  });

  test("bad enum is reported at its field", () => {
    const bad = sandbox({ podTemplate: { spec: { containers: [] } }, operatingMode: "Paused" });
    expect(errorOf(decodeSandbox(bad)).path).toBe("spec.operatingMode");
  });

  test("a claim without warmPoolRef is rejected", () => {
    const claim = {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxClaim",
      metadata: { name: "c" },
      spec: {},
    };
    expect(errorOf(decodeSandboxClaim(claim)).path).toBe("spec.warmPoolRef");
  });

  test("negative pool replicas are rejected", () => {
    const pool = {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxWarmPool",
      metadata: { name: "p" },
      spec: { replicas: -1, sandboxTemplateRef: { name: "t" } },
    };
    expect(errorOf(decodeSandboxWarmPool(pool)).path).toBe("spec.replicas");
  });

  test("non-objects never throw", () => {
    for (const input of [null, undefined, 3, "x", [], { kind: "Sandbox" }]) {
      expect(Either.isLeft(decodeSandbox(input))).toBe(true);
    }
  });
});

describe("metadata", () => {
  test("null timestamps (kubectl --dry-run output) decode as absent", () => {
    const input = {
      ...sandbox({ podTemplate: { spec: { containers: [{ name: "c" }] } } }),
      metadata: {
        name: "s1",
        creationTimestamp: null,
        deletionTimestamp: null,
        managedFields: [{ manager: "kubectl" }],
      },
    };
    const decoded = Either.getOrThrow(decodeSandbox(input));
    expect(decoded.metadata).toEqual({ name: "s1", managedFields: [{ manager: "kubectl" }] });
  });

  test("a timestamp that is neither a string nor null is rejected", () => {
    const input = {
      ...sandbox({ podTemplate: { spec: { containers: [] } } }),
      metadata: { creationTimestamp: 5 },
    };
    expect(errorOf(decodeSandbox(input)).path).toBe("metadata.creationTimestamp");
  });
});
