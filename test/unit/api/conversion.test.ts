import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import {
  ANNOTATION_V1ALPHA1_SANDBOX_STATE,
  ANNOTATION_V1ALPHA1_SANDBOXCLAIM_STATE,
  ANNOTATION_V1BETA1_SANDBOX_STATE,
  convertObject,
} from "../../../src/api";
import { validate } from "../../../src/apiserver/schema";
import { type Fixture, fixtures, loadFixture } from "../../fixtures";
import { crdSchemaFor } from "./crdSchema";

const BETA = (kind: string) =>
  kind === "Sandbox" ? "agents.x-k8s.io/v1beta1" : "extensions.agents.x-k8s.io/v1beta1";
const ALPHA = (kind: string) =>
  kind === "Sandbox" ? "agents.x-k8s.io/v1alpha1" : "extensions.agents.x-k8s.io/v1alpha1";

const convert = (obj: Record<string, unknown>, to: string): Record<string, unknown> =>
  Either.getOrThrowWith(convertObject(obj, to), (e) => new Error(String(e)));

const spec = (obj: Record<string, unknown>) => obj.spec as Record<string, unknown>;
const status = (obj: Record<string, unknown>) => obj.status as Record<string, unknown>;
const annotations = (obj: Record<string, unknown>) =>
  (obj.metadata as { annotations?: Record<string, string> }).annotations;

const other = (f: Fixture) => (f.set === "v1alpha1" ? BETA : ALPHA)(String(f.object.kind));
const own = (f: Fixture) => String(f.object.apiVersion);

describe("convertObject on the fixtures", () => {
  const all = [...fixtures("v1alpha1"), ...fixtures("v1beta1")];
  const byPath = new Map(all.map((f) => [f.path, f]));

  test.each(all.map((f) => f.path))("%s converts there and back unchanged", (path) => {
    const fixture = byPath.get(path)!;
    const there = convert(fixture.object, other(fixture));
    expect(there.apiVersion).toBe(other(fixture));
    expect(validate(crdSchemaFor(there), there)).toEqual([]);
    expect(convert(there, own(fixture))).toEqual(fixture.object);
  });

  test.each(all.map((f) => f.path))("%s converted to its own version is returned as is", (path) => {
    const fixture = byPath.get(path)!;
    expect(convert(fixture.object, own(fixture))).toBe(fixture.object);
  });
});

describe("Sandbox", () => {
  test("replicas 0 <-> Suspended, 1 <-> Running, status.replicas synthesised", () => {
    const suspended = convert(loadFixture("v1alpha1/sandbox-suspended.yaml"), BETA("Sandbox"));
    expect(spec(suspended).operatingMode).toBe("Suspended");
    expect(spec(suspended)).not.toHaveProperty("replicas");
    const running = convert(loadFixture("v1alpha1/sandbox.yaml"), BETA("Sandbox"));
    expect(spec(running).operatingMode).toBe("Running");
    // status.replicas 1 equals what v1alpha1 synthesises for Running: nothing to stash.
    expect(annotations(running)).toBeUndefined();
    const beta = loadFixture("v1beta1/sandbox.yaml");
    const alpha = convert(beta, ALPHA("Sandbox"));
    expect(spec(alpha).replicas).toBe(1);
    expect(status(alpha).replicas).toBe(1);
    expect(status(alpha)).not.toHaveProperty("nodeName");
    expect(JSON.parse(annotations(alpha)![ANNOTATION_V1BETA1_SANDBOX_STATE]!).state).toEqual({
      nodeName: "node-a",
    });
    const suspendedAlpha = convert(
      { ...beta, spec: { ...spec(beta), operatingMode: "Suspended" } },
      ALPHA("Sandbox"),
    );
    expect([spec(suspendedAlpha).replicas, status(suspendedAlpha).replicas]).toEqual([0, 0]);
  });

  test("a stashed status.replicas is dropped once operatingMode changed in v1beta1", () => {
    const alpha = loadFixture("v1alpha1/sandbox.yaml");
    const odd = { ...alpha, status: { ...status(alpha), replicas: 0 } };
    const beta = convert(odd, BETA("Sandbox"));
    expect(annotations(beta)).toHaveProperty([ANNOTATION_V1ALPHA1_SANDBOX_STATE]);
    expect(status(convert(beta, ALPHA("Sandbox"))).replicas).toBe(0);
    const suspended = { ...beta, spec: { ...spec(beta), operatingMode: "Suspended" } };
    const back = convert(suspended, ALPHA("Sandbox"));
    expect([spec(back).replicas, status(back).replicas]).toEqual([0, 0]);
    const resumed = { ...beta, spec: { ...spec(beta), operatingMode: "Running" } };
    expect(status(convert(resumed, ALPHA("Sandbox"))).replicas).toBe(0);
  });
});

describe("SandboxClaim", () => {
  const claim = (over: { warmpool?: string; sandboxName?: string }) => {
    const base = loadFixture("v1alpha1/sandbox-claim.yaml");
    return {
      ...base,
      spec: { ...spec(base), ...(over.warmpool === undefined ? {} : { warmpool: over.warmpool }) },
      ...(over.sandboxName === undefined ? {} : { status: { sandbox: { name: over.sandboxName } } }),
    };
  };
  const poolOf = (obj: Record<string, unknown>) =>
    (spec(convert(obj, BETA("SandboxClaim"))).warmPoolRef as { name: string }).name;

  test("pool derivation: specific pool, warm sandbox, shadow pool", () => {
    expect(poolOf(claim({ warmpool: "python-pool" }))).toBe("python-pool");
    expect(poolOf(claim({ warmpool: "default", sandboxName: "python-pool-x7k2p" }))).toBe("python-pool");
    expect(poolOf(claim({ warmpool: "none", sandboxName: "sandbox-claim-1a2b3c4d" }))).toBe(
      "shadow-pool-python-sandbox-template",
    );
    expect(poolOf(claim({}))).toBe("shadow-pool-python-sandbox-template");
  });

  test("v0.2.1 status.sandbox.Name is read as name and restored on the way back", () => {
    const bound = loadFixture("v1alpha1/sandbox-claim-bound.yaml");
    const beta = convert(bound, BETA("SandboxClaim"));
    expect(status(beta).sandbox).toEqual({ name: "sandbox-claim-1a2b3c4d" });
    expect(convert(beta, ALPHA("SandboxClaim"))).toEqual(bound);
    // Once the controller rewrites status.sandbox in v1beta1, v1alpha1 shows the new value under `name`.
    const rebound = {
      ...beta,
      status: { ...status(beta), sandbox: { name: "other", podIPs: ["10.0.0.1"] } },
    };
    expect(status(convert(rebound, ALPHA("SandboxClaim"))).sandbox).toEqual({
      name: "other",
      podIPs: ["10.0.0.1"],
    });
  });

  test("v1beta1 pools map to a template and policy, shadow pools back to their template", () => {
    const beta = loadFixture("v1beta1/sandbox-claim.yaml");
    const alpha = convert(beta, ALPHA("SandboxClaim"));
    expect([spec(alpha).sandboxTemplateRef, spec(alpha).warmpool]).toEqual([
      { name: "python-pool" },
      "python-pool",
    ]);
    const shadow = {
      ...beta,
      spec: { ...spec(beta), warmPoolRef: { name: "shadow-pool-python-sandbox-template" } },
    };
    const fromShadow = convert(shadow, ALPHA("SandboxClaim"));
    expect([spec(fromShadow).sandboxTemplateRef, spec(fromShadow).warmpool]).toEqual([
      { name: "python-sandbox-template" },
      "default",
    ]);
    expect(convert(fromShadow, BETA("SandboxClaim"))).toEqual(shadow);
  });

  test("the template of a v1alpha1 claim survives while its pool is unchanged", () => {
    const warm = loadFixture("v1alpha1/sandbox-claim-warm.yaml");
    const beta = convert(warm, BETA("SandboxClaim"));
    expect(annotations(beta)).toHaveProperty([ANNOTATION_V1ALPHA1_SANDBOXCLAIM_STATE]);
    const moved = { ...beta, spec: { ...spec(beta), warmPoolRef: { name: "other-pool" } } };
    expect(spec(convert(moved, ALPHA("SandboxClaim"))).sandboxTemplateRef).toEqual({ name: "other-pool" });
  });
});

describe("SandboxWarmPool", () => {
  test("absent v1beta1 replicas become 1 in v1alpha1 and absent again", () => {
    const beta = loadFixture("v1beta1/sandbox-warm-pool.yaml");
    const { replicas: _, ...rest } = spec(beta);
    const noReplicas = { ...beta, spec: rest };
    const alpha = convert(noReplicas, ALPHA("SandboxWarmPool"));
    expect(spec(alpha).replicas).toBe(1);
    expect(status(alpha)).not.toHaveProperty("observedGeneration");
    expect(convert(alpha, BETA("SandboxWarmPool"))).toEqual(noReplicas);
    // Scaled in v1alpha1: the new value wins over the remembered absence.
    const scaled = { ...alpha, spec: { ...spec(alpha), replicas: 4 } };
    expect(spec(convert(scaled, BETA("SandboxWarmPool"))).replicas).toBe(4);
  });
});

describe("convertObject errors", () => {
  const template = loadFixture("v1alpha1/python-sandbox-template.yaml");

  test.each([
    ["not an object", 42, "extensions.agents.x-k8s.io/v1beta1", ""],
    ["unknown kind", { ...template, kind: "Pod" }, "v1", "kind"],
    [
      "wrong group",
      { ...template, apiVersion: "agents.x-k8s.io/v1alpha1" },
      BETA("SandboxTemplate"),
      "apiVersion",
    ],
    ["unknown target", template, "extensions.agents.x-k8s.io/v2", "toApiVersion"],
    [
      "invalid field",
      { ...template, spec: { podTemplate: { spec: { containers: [{ name: 3 }] } } } },
      BETA("SandboxTemplate"),
      "spec.podTemplate.spec.containers[0].name",
    ],
    [
      "corrupt conversion state",
      {
        ...loadFixture("v1beta1/sandbox.yaml"),
        metadata: { name: "x", annotations: { [ANNOTATION_V1ALPHA1_SANDBOX_STATE]: "{not json" } },
      },
      ALPHA("Sandbox"),
      `metadata.annotations.${ANNOTATION_V1ALPHA1_SANDBOX_STATE}`,
    ],
  ])("%s is an error naming the field", (_, input, to, path) => {
    const result = convertObject(input, to);
    expect(Either.isLeft(result) && result.left.path).toBe(path);
  });
});
