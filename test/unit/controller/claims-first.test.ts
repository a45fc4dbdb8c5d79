// Which Sandbox passes wait for pending claims (`isBoundBookkeeping`), and for how long (`ClaimsFirst`).
import { describe, expect, test } from "bun:test";
import type { v1beta1 } from "../../../src/api";
import { ClaimsFirst, isBoundBookkeeping } from "../../../src/controller/claims-first";
import type { Action, Plan } from "../../../src/controller/common/actions";
import { claimOwner } from "../../support/claim-fixtures";

const poolOwner = { ...claimOwner, kind: "SandboxWarmPool", name: "pool", uid: "pool-uid" };

const sandbox = (o: { owner?: object; ready?: boolean; deleting?: boolean } = {}): v1beta1.Sandbox =>
  ({
    apiVersion: "agents.x-k8s.io/v1beta1",
    kind: "Sandbox",
    metadata: {
      name: "s",
      namespace: "ns",
      ownerReferences: [o.owner ?? claimOwner],
      ...(o.deleting ? { deletionTimestamp: "2026-06-01T12:00:00Z" } : {}),
    },
    spec: { podTemplate: { spec: { containers: [{ name: "main" }] } } },
    status: {
      conditions: [
        {
          type: "Ready",
          status: (o.ready ?? true) ? "True" : "False",
          reason: "R",
          message: "",
          lastTransitionTime: "t",
        },
      ],
    },
  }) as unknown as v1beta1.Sandbox;

const podLabels: Action = {
  _tag: "Patch",
  key: { kind: "Pod", namespace: "ns", name: "s" },
  patch: { metadata: { labels: { "agents.x-k8s.io/claim-uid": "claim-uid" } } },
};
const status = (ready: string): Action => ({
  _tag: "PatchStatus",
  key: { kind: "Sandbox", namespace: "ns", name: "s" },
  status: { conditions: [{ type: "Ready", status: ready, observedGeneration: 2 }] },
});
const plan = (...actions: Action[]): Plan => ({ actions });

describe("isBoundBookkeeping", () => {
  test("patches that keep a Ready Sandbox bound to a claim Ready are bookkeeping", () => {
    expect(isBoundBookkeeping(sandbox(), plan(podLabels, status("True")))).toBe(true);
    expect(isBoundBookkeeping(sandbox(), plan(status("True")))).toBe(true);
  });

  test("anything that changes what the claim's user sees, or concerns an unbound Sandbox, is not", () => {
    expect(isBoundBookkeeping(sandbox(), plan())).toBe(false);
    expect(isBoundBookkeeping(sandbox(), plan(podLabels, status("False")))).toBe(false);
    expect(isBoundBookkeeping(sandbox({ ready: false }), plan(status("True")))).toBe(false);
    expect(isBoundBookkeeping(sandbox({ deleting: true }), plan(podLabels))).toBe(false);
    expect(isBoundBookkeeping(sandbox({ owner: poolOwner }), plan(podLabels))).toBe(false);
    const createPod: Action = { _tag: "Create", kind: "Pod", object: {}, onAlreadyExists: "fail" };
    expect(isBoundBookkeeping(sandbox(), plan(createPod, status("True")))).toBe(false);
    const deletePod: Action = { _tag: "Delete", key: { kind: "Pod", namespace: "ns", name: "s" } };
    expect(isBoundBookkeeping(sandbox(), plan(deletePod))).toBe(false);
    expect(isBoundBookkeeping(sandbox(), { actions: [podLabels], failure: "x" })).toBe(false);
  });
});

describe("ClaimsFirst", () => {
  test("a key waits at most the bound from its first deferral, and is released once", () => {
    const first = new ClaimsFirst(1000);
    expect(first.defer("ns/a", 0)).toBe(1000);
    expect(first.defer("ns/a", 400)).toBe(600);
    expect(first.release()).toEqual(["ns/a"]);
    expect(first.release()).toEqual([]);
    // Released but put off again: the bound still counts from the first deferral.
    expect(first.defer("ns/a", 900)).toBe(100);
    expect(first.defer("ns/a", 1000)).toBeUndefined();
    expect(first.release()).toEqual([]);
    // Once a pass ran, a new wait starts from zero.
    expect(first.defer("ns/a", 5000)).toBe(1000);
    first.ran("ns/a");
    expect(first.release()).toEqual([]);
  });
});
