import { describe, expect, test } from "bun:test";
import { applyDefaults, prune, pruneWithReport } from "../../../src/apiserver/schema";
import { sandboxSchema, validSandbox } from "./fixtures";

describe("applyDefaults", () => {
  test("fills absent fields, recursing into array items", () => {
    const o = validSandbox();
    const input = {
      ...o,
      spec: { podTemplate: { spec: { containers: [{ name: "a", ports: [{ containerPort: 80 }] }] } } },
    };
    const out = applyDefaults(sandboxSchema, input) as { spec: Record<string, unknown> };
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.operatingMode).toBe("Running");
    expect(out.spec.podTemplate).toEqual({
      spec: {
        containers: [
          { name: "a", imagePullPolicy: "IfNotPresent", ports: [{ containerPort: 80, protocol: "TCP" }] },
        ],
      },
    });
    expect((input.spec as Record<string, unknown>).replicas).toBeUndefined();
  });

  test("never overrides a value that is present", () => {
    const out = applyDefaults(sandboxSchema, { spec: { replicas: 0, operatingMode: "Suspended" } }) as {
      spec: Record<string, unknown>;
    };
    expect(out.spec.replicas).toBe(0);
    expect(out.spec.operatingMode).toBe("Suspended");
  });

  test("applies defaults inside a defaulted object", () => {
    const s = {
      type: "object",
      properties: {
        strategy: {
          type: "object",
          default: {},
          properties: { type: { type: "string", default: "OnReplenish" } },
        },
      },
    } as const;
    expect(applyDefaults(s, {})).toEqual({ strategy: { type: "OnReplenish" } });
  });

  test("null in a non-nullable field takes the default, or is dropped when there is none", () => {
    const out = applyDefaults(sandboxSchema, { spec: { replicas: null, shutdownTime: null, note: null } });
    expect(out).toEqual({ spec: { replicas: 1, operatingMode: "Running", note: null } });
  });

  test("default values are copied, not shared", () => {
    const s = { type: "object", properties: { m: { type: "object", default: { a: 1 } } } } as const;
    const a = applyDefaults(s, {}) as { m: Record<string, number> };
    a.m.a = 2;
    expect(applyDefaults(s, {})).toEqual({ m: { a: 1 } });
  });
});

describe("prune", () => {
  test("drops unknown fields and reports their paths", () => {
    const o = validSandbox();
    const input = {
      ...o,
      junk: 1,
      spec: { ...o.spec, extra: true, podTemplate: { spec: { containers: [{ name: "a", bogus: 1 }] } } },
    };
    const { value, pruned } = pruneWithReport(sandboxSchema, input);
    expect(pruned).toEqual(["junk", "spec.extra", "spec.podTemplate.spec.containers[0].bogus"]);
    expect(value).toEqual({
      ...o,
      spec: { ...o.spec, podTemplate: { spec: { containers: [{ name: "a" }] } } },
    });
  });

  test("keeps apiVersion, kind and metadata at the root and in embedded resources", () => {
    const o = validSandbox();
    const resource = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "x" },
      spec: { size: "1Gi", x: 1 },
      y: 2,
    };
    const out = prune(sandboxSchema, {
      ...o,
      metadata: { name: "s1", anything: 1 },
      spec: { ...o.spec, resource },
    }) as {
      metadata: unknown;
      spec: { resource: unknown };
    };
    expect(out.metadata).toEqual({ name: "s1", anything: 1 });
    expect(out.spec.resource).toEqual({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "x" },
      spec: { size: "1Gi" },
    });
  });

  test("preserves unknown fields under x-kubernetes-preserve-unknown-fields, still pruning known ones", () => {
    const s = {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      properties: { known: { type: "object", properties: { a: { type: "string" } } } },
    } as const;
    expect(prune(s, { free: { deep: [1, { x: 1 }] }, known: { a: "x", b: "y" } }, false)).toEqual({
      free: { deep: [1, { x: 1 }] },
      known: { a: "x" },
    });
    const o = validSandbox();
    const meta = { labels: { a: "b" }, whatever: [1] };
    const out = prune(sandboxSchema, {
      ...o,
      spec: { ...o.spec, podTemplate: { metadata: meta, spec: { containers: [] } } },
    }) as {
      spec: { podTemplate: { metadata: unknown } };
    };
    expect(out.spec.podTemplate.metadata).toEqual(meta);
  });

  test("a detached value (not a resource root) loses apiVersion/kind too", () => {
    expect(
      prune({ type: "object", properties: { a: { type: "string" } } }, { a: "x", kind: "K" }, false),
    ).toEqual({ a: "x" });
  });
});

describe("an update against a settled version", () => {
  // `settled` vouches that the schema already pruned and defaulted it: what the update still shares with it,
  // at the same place, is taken as it is (here a deliberately unpruned, undefaulted part shows it is skipped).
  const settledContainer = { name: "a", unknownField: true, ports: [{ containerPort: 80 }] };
  const settled = { spec: { podTemplate: { spec: { containers: [settledContainer] } } } };
  const update = {
    spec: { podTemplate: { spec: { containers: [settledContainer, { name: "b", unknownField: true }] } } },
  };

  test("pruning looks only at what changed", () => {
    const { value, pruned } = pruneWithReport(sandboxSchema, update, true, settled);
    expect(pruned).toEqual(["spec.podTemplate.spec.containers[1].unknownField"]);
    const containers = (value as typeof update).spec.podTemplate.spec.containers as unknown[];
    expect(containers[0]).toBe(settledContainer);
    expect(containers[1]).toEqual({ name: "b" });
  });

  test("defaulting looks only at what changed", () => {
    const out = applyDefaults(sandboxSchema, update, settled) as typeof update;
    const containers = out.spec.podTemplate.spec.containers as Array<Record<string, unknown>>;
    expect(containers[0]).toBe(settledContainer);
    expect(containers[1]?.imagePullPolicy).toBe("IfNotPresent");
  });
});
