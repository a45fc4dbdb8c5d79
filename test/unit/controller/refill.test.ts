// Warm-pool refill shaping (upstream's replenish delay and per-pool refill token bucket), pure.
import { describe, expect, test } from "bun:test";
import type { v1beta1 } from "../../../src/api";
import type { Action } from "../../../src/controller/common/actions";
import {
  activeMembers,
  claimsWaitForMembers,
  RefillShaper,
  shapeRefill,
} from "../../../src/controller/refill";
import type { WarmPoolPlan } from "../../../src/controller/warmpool/plan";

const pool = {
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxWarmPool",
  metadata: { name: "p", namespace: "ns", uid: "pool-uid" },
  spec: { replicas: 10, sandboxTemplateRef: { name: "t" } },
} as unknown as v1beta1.SandboxWarmPool;

const planCreating = (n: number, requeueAfterMs?: number): WarmPoolPlan => ({
  actions: [
    { _tag: "CreateBatch", kind: "Sandbox", objects: Array.from({ length: n }, (_, i) => ({ i })) },
    { _tag: "PatchStatus", key: { kind: "SandboxWarmPool", namespace: "ns", name: "p" }, status: {} },
  ],
  notProgressing: false,
  ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
});
const creates = (plan: WarmPoolPlan): number =>
  plan.actions
    .filter((a): a is Extract<Action, { _tag: "CreateBatch" }> => a._tag === "CreateBatch")
    .reduce((n, a) => n + a.objects.length, 0);

describe("refill token bucket", () => {
  const config = { replenishDelayMs: 0, maxRefillRate: 4, claimsFirstMaxMs: 0 };

  test("a full bucket of one second's creates, then paced at the rate with a requeue for the next token", () => {
    const shaper = new RefillShaper();
    const first = shapeRefill(planCreating(10), shaper, config, pool, 0, 0, false);
    expect(creates(first)).toBe(4);
    expect(first.requeueAfterMs).toBeUndefined(); // the created members' events bring the pool back
    expect(first.actions.some((a) => a._tag === "PatchStatus")).toBe(true);
    const empty = shapeRefill(planCreating(6), shaper, config, pool, 4, 100, false);
    expect(creates(empty)).toBe(0);
    // 100 ms at 4/s accrued 0.4 tokens: the next whole token is 150 ms away.
    expect(empty.requeueAfterMs).toBe(150);
    expect(creates(shapeRefill(planCreating(6), shaper, config, pool, 4, 600, false))).toBe(2);
    // A long idle period banks no more than one second of creates.
    expect(creates(shapeRefill(planCreating(6), shaper, config, pool, 6, 60_000, false))).toBe(4);
  });

  test("rate 0 leaves refill unpaced; a rate below 1 still holds one whole token", () => {
    expect(
      creates(
        shapeRefill(
          planCreating(300),
          new RefillShaper(),
          { ...config, maxRefillRate: 0 },
          pool,
          0,
          0,
          false,
        ),
      ),
    ).toBe(300);
    const slow = new RefillShaper();
    const cfg = { replenishDelayMs: 0, maxRefillRate: 0.5, claimsFirstMaxMs: 0 };
    expect(creates(shapeRefill(planCreating(3), slow, cfg, pool, 0, 0, false))).toBe(1);
    expect(shapeRefill(planCreating(2), slow, cfg, pool, 1, 0, false).requeueAfterMs).toBe(2000);
  });

  test("an earlier planner requeue is kept when it comes first", () => {
    const shaper = new RefillShaper();
    shapeRefill(planCreating(4), shaper, config, pool, 0, 0, false);
    expect(shapeRefill(planCreating(4, 50), shaper, config, pool, 4, 0, false).requeueAfterMs).toBe(50);
  });
});

describe("replenish delay", () => {
  const config = { replenishDelayMs: 1000, maxRefillRate: 0, claimsFirstMaxMs: 0 };

  test("the first pass fills at once; a drop holds creates, re-armed by each further drop", () => {
    const shaper = new RefillShaper();
    expect(creates(shapeRefill(planCreating(10), shaper, config, pool, 0, 0, false))).toBe(10);
    shaper.created("ns/p", 10);
    expect(creates(shapeRefill(planCreating(0), shaper, config, pool, 10, 100, false))).toBe(0);
    // Two members adopted: hold for the full delay.
    const held = shapeRefill(planCreating(2), shaper, config, pool, 8, 200, false);
    expect(creates(held)).toBe(0);
    expect(held.requeueAfterMs).toBe(1000);
    expect(held.actions.some((a) => a._tag === "PatchStatus")).toBe(true);
    // Another drop 500 ms later re-arms the hold.
    expect(shapeRefill(planCreating(3), shaper, config, pool, 7, 700, false).requeueAfterMs).toBe(1000);
    // No drop: the hold runs out, then the deficit is created in one pass.
    expect(shapeRefill(planCreating(3), shaper, config, pool, 7, 1200, false).requeueAfterMs).toBe(500);
    expect(creates(shapeRefill(planCreating(3), shaper, config, pool, 7, 1700, false))).toBe(3);
  });

  test("members created but not yet in the cache do not count as a drop", () => {
    const shaper = new RefillShaper();
    shapeRefill(planCreating(0), shaper, config, pool, 7, 0, false);
    shaper.created("ns/p", 3);
    // The cache still shows 7 of the 10: a stale count below the baseline of 10 reads as a drop (as upstream).
    expect(shapeRefill(planCreating(0), shaper, config, pool, 7, 10, false).requeueAfterMs).toBe(1000);
    // A full pool clears any hold.
    expect(shapeRefill(planCreating(0), shaper, config, pool, 10, 20, false).requeueAfterMs).toBeUndefined();
  });

  test("forget drops a deleted pool's hold and bucket", () => {
    const shaper = new RefillShaper();
    shapeRefill(planCreating(0), shaper, config, pool, 10, 0, false);
    shaper.forget("ns/p");
    // A fresh baseline: the lower count is not a drop.
    expect(creates(shapeRefill(planCreating(5), shaper, config, pool, 5, 10, false))).toBe(5);
  });
});

describe("claims first", () => {
  const config = { replenishDelayMs: 0, maxRefillRate: 0, claimsFirstMaxMs: 1000 };

  test("refill waits while claims wait, at most the bound per spell; none waiting lets it go at once", () => {
    const shaper = new RefillShaper();
    const held = shapeRefill(planCreating(3), shaper, config, pool, 7, 0, true);
    expect(creates(held)).toBe(0);
    expect(held.requeueAfterMs).toBe(1000);
    expect(held.actions.some((a) => a._tag === "PatchStatus")).toBe(true);
    // Still waiting 400 ms later: the spell began at the first pass.
    expect(shapeRefill(planCreating(5), shaper, config, pool, 5, 400, true).requeueAfterMs).toBe(600);
    // The claims were served: refill goes on at once.
    expect(creates(shapeRefill(planCreating(5), shaper, config, pool, 5, 500, false))).toBe(5);
    // A new spell gets the whole bound again; past it, refill goes on though claims still wait.
    expect(creates(shapeRefill(planCreating(2), shaper, config, pool, 8, 600, true))).toBe(0);
    expect(creates(shapeRefill(planCreating(2), shaper, config, pool, 8, 1600, true))).toBe(2);
    expect(creates(shapeRefill(planCreating(1), shaper, config, pool, 9, 5000, true))).toBe(1);
  });

  test("it applies while claims wait in the pool and it has a Ready member for them", () => {
    const member = (ready: boolean, deleting = false) =>
      ({
        metadata: deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {},
        status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
      }) as unknown as v1beta1.Sandbox;
    expect(claimsWaitForMembers([member(false), member(true)], true)).toBe(true);
    // Nothing Ready to give (or only a member on its way out): refill goes on.
    expect(claimsWaitForMembers([member(false), member(true, true)], true)).toBe(false);
    // No claim waiting here.
    expect(claimsWaitForMembers([member(true)], false)).toBe(false);
  });

  test("a bound of 0 never holds", () => {
    const plan = shapeRefill(
      planCreating(4),
      new RefillShaper(),
      { ...config, claimsFirstMaxMs: 0 },
      pool,
      6,
      0,
      true,
    );
    expect(creates(plan)).toBe(4);
  });
});

test("active members: not deleting, not pending delete, and not controlled by something else", () => {
  const member = (uid: string, extra: Record<string, unknown> = {}) =>
    ({ metadata: { uid, ...extra } }) as unknown as v1beta1.Sandbox;
  const ours = [
    { uid: "pool-uid", controller: true, kind: "SandboxWarmPool", name: "p", apiVersion: "x/v1" },
  ];
  const theirs = [
    { uid: "claim-uid", controller: true, kind: "SandboxClaim", name: "c", apiVersion: "x/v1" },
  ];
  const members = [
    member("a", { ownerReferences: ours }),
    member("b"),
    member("c", { ownerReferences: ours, deletionTimestamp: "2026-01-01T00:00:00Z" }),
    member("d", { ownerReferences: ours }),
    member("e", { ownerReferences: theirs }),
  ];
  expect(activeMembers(pool, members, new Set(["d"]))).toBe(2);
});
