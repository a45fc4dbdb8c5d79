// The controller skips a pass that only the echoes of its last pass's own patches brought back
// (src/controller/echoes.ts). That is sound only if a pass that only patched objects and asked for no rerun
// leaves nothing to plan over those patches: checked here for every kind, at random points of the model
// world's random runs (lagging caches, conflicts, restarts, claims coming and going).
import { expect, test } from "bun:test";
import fc from "fast-check";
import type { Action } from "../../../src/controller/common/actions";
import { CONTROLLER_KINDS, type ControllerKind, planStep } from "../../../src/controller/step";
import { step } from "./steps";
import { NS, World } from "./world";

const onlyPatches = (actions: ReadonlyArray<Action>): boolean =>
  actions.some((a) => a._tag === "Patch" || a._tag === "PatchStatus") &&
  actions.every((a) => a._tag !== "Create" && a._tag !== "CreateBatch" && a._tag !== "Delete");

/** Runs a pass of every object; each one that only patched and settled is planned again over its writes. */
const checkPatchesSettle = (w: World, checked: Map<ControllerKind, number>): void => {
  const faults = w.cluster.faults;
  w.cluster.faults = { conflict: 0, lostResponse: 0 };
  for (const kind of CONTROLLER_KINDS)
    for (const o of w.cluster.all(kind)) {
      const name = o.metadata.name ?? "";
      w.caches.sync();
      const pass = planStep(kind, NS, name, w.caches, w.state, w.config, w.now);
      if (pass === undefined) continue;
      const result = w.cluster.apply(pass.plan.actions);
      pass.done(result);
      const settled =
        result.error === undefined &&
        pass.plan.failure === undefined &&
        pass.plan.requeueAfterMs === undefined;
      if (!settled || !onlyPatches(pass.plan.actions)) continue;
      w.caches.sync();
      const again = planStep(kind, NS, name, w.caches, w.state, w.config, w.now);
      expect({ kind, name, actions: again?.plan.actions ?? [] }).toEqual({ kind, name, actions: [] });
      checked.set(kind, (checked.get(kind) ?? 0) + 1);
    }
  w.cluster.faults = faults;
};

test("a pass that only patched and settled leaves nothing to plan over its own patches", () => {
  const checked = new Map<ControllerKind, number>();
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 30 }),
      fc.array(step, { minLength: 10, maxLength: 120 }),
      (seed, steps) => {
        const w = new World(seed);
        steps.forEach((s, i) => {
          w.run(s);
          if (i % 15 === 14) checkPatchesSettle(w, checked);
        });
        checkPatchesSettle(w, checked);
      },
    ),
    { numRuns: 400, seed: 20261129 },
  );
  // Enough such passes of each kind with patches to make were checked for the property to mean something.
  expect(checked.get("Sandbox") ?? 0).toBeGreaterThan(300);
  expect(checked.get("SandboxClaim") ?? 0).toBeGreaterThan(30);
  expect(checked.get("SandboxWarmPool") ?? 0).toBeGreaterThan(30);
}, 120_000);

test("a warm adoption (binding annotation, Sandbox take, claim status) plans nothing more over its patches", () => {
  const w = new World(5);
  expect(w.quiesce()).toBe(true);
  const checked = new Map<ControllerKind, number>();
  for (let i = 0; i < 3; i++) {
    w.run({ t: "createClaim", spec: { policy: "Delete", env: false, badMetadata: false } });
    checkPatchesSettle(w, checked);
    expect(w.quiesce()).toBe(true); // the pool refills before the next claim
  }
  expect(w.cluster.events.filter((e) => e.reason === "SandboxAdopted").length).toBe(3);
  expect(checked.get("SandboxClaim") ?? 0).toBeGreaterThanOrEqual(3);
});
