// Warm-pool refill shaping. Upstream's `--sandbox-warm-pool-replenish-delay` and
// `--sandbox-warm-pool-max-refill-rate` (both off by default), and claims first (on by default). A claim burst
// drains a pool; refilling it at once puts a burst of Sandbox, Pod and status writes on the API server while
// the claims still need it. Claims first holds refill while the pool has claims waiting for a Sandbox and Ready
// members to give them, for at most `claimsFirstMaxMs` per spell of waiting claims: adoptions do not queue
// behind refill writes, a pool with nothing Ready refills at once, and a claim stuck waiting (invalid
// metadata, say) delays refill once, by that bound. The delay holds refill back
// until members have stopped dropping out for that long (re-armed by every drop); the rate paces creates
// through a per-pool token bucket holding at most one second of creates. All of them only trim the
// warm-pool planner's CreateBatch, after the planner's expectations gate decided that creating is safe, so
// shaping can delay members but never add any. The state is in memory: a restart starts with no hold and a
// full bucket, as upstream's does.
import type { v1beta1 } from "../api";
import { DEFAULT_WARM_POOL_REPLICAS } from "../api";
import type { Action } from "./common/actions";
import { memberFacts } from "./common/member-facts";
import type { WarmPoolPlan } from "./warmpool/plan";

export interface RefillConfig {
  /** 0 = refill at once. */
  readonly replenishDelayMs: number;
  /** Sandbox creates per second per pool; 0 = unpaced (the whole deficit in one pass). */
  readonly maxRefillRate: number;
  /** Longest refill waits for the pool's waiting claims, per spell of waiting claims; 0 = never waits. */
  readonly claimsFirstMaxMs: number;
}

interface Hold {
  /** Active members at the last pass, plus members created since (the cache may not show them yet). */
  lastMembers: number;
  deferUntil: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class RefillShaper {
  readonly #holds = new Map<string, Hold>();
  readonly #buckets = new Map<string, Bucket>();
  /** Pool -> when its current spell of waiting claims began. */
  readonly #claimsWaitingSince = new Map<string, number>();

  /**
   * How long creates must still wait after members dropped out (0 = not held). Call once per pass: the
   * first pass of a pool (new pool, or after a restart) only records a baseline, so a fresh pool fills at once.
   */
  hold(pool: string, active: number, desired: number, now: number, delayMs: number): number {
    if (delayMs <= 0) return 0;
    const h = this.#holds.get(pool);
    if (h === undefined) {
      this.#holds.set(pool, { lastMembers: active, deferUntil: 0 });
      return 0;
    }
    const dropped = active < h.lastMembers;
    h.lastMembers = active;
    if (active >= desired) {
      h.deferUntil = 0;
      return 0;
    }
    if (dropped) h.deferUntil = now + delayMs;
    return Math.max(0, h.deferUntil - now);
  }

  /**
   * How long creates must still wait for the pool's waiting claims to be served (0 = not held). The spell
   * starts at the first pass that sees waiting claims and ends at the first that sees none.
   */
  claimsFirst(pool: string, claimsWaiting: boolean, now: number, maxMs: number): number {
    if (!claimsWaiting || maxMs <= 0) {
      this.#claimsWaitingSince.delete(pool);
      return 0;
    }
    const since = this.#claimsWaitingSince.get(pool) ?? now;
    this.#claimsWaitingSince.set(pool, since);
    return Math.max(0, since + maxMs - now);
  }

  /** Members created this pass count towards the baseline until the cache shows them. */
  created(pool: string, n: number): void {
    const h = this.#holds.get(pool);
    if (h !== undefined && n > 0) h.lastMembers += n;
  }

  /**
   * Grants up to `want` creates from the pool's bucket; when it grants fewer, also how long until the next
   * whole token. Failed creates are not refunded: they cost the API server as much as successful ones.
   */
  take(pool: string, want: number, now: number, rate: number): { granted: number; waitMs: number } {
    if (rate <= 0 || want <= 0) return { granted: want, waitMs: 0 };
    const capacity = Math.max(1, rate);
    let b = this.#buckets.get(pool);
    if (b === undefined) {
      b = { tokens: capacity, last: now };
      this.#buckets.set(pool, b);
    } else if (now > b.last) {
      b.tokens = Math.min(capacity, b.tokens + (rate * (now - b.last)) / 1000);
      b.last = now;
    }
    const granted = b.tokens < want ? Math.floor(b.tokens) : want;
    b.tokens -= granted;
    if (granted >= want) return { granted, waitMs: 0 };
    return { granted, waitMs: Math.ceil(((1 - b.tokens) / rate) * 1000) };
  }

  forget(pool: string): void {
    this.#holds.delete(pool);
    this.#buckets.delete(pool);
    this.#claimsWaitingSince.delete(pool);
  }
}

/** Upstream's `currentReplicas`: members not being deleted and not controlled by something else. */
export const activeMembers = (
  pool: v1beta1.SandboxWarmPool,
  members: ReadonlyArray<v1beta1.Sandbox>,
  pendingDeletes: ReadonlySet<string>,
): number =>
  members.reduce((n, m) => {
    const f = memberFacts(m);
    if (f.deleting || pendingDeletes.has(f.uid)) return n;
    return !f.hasController || f.controllerUid === pool.metadata.uid ? n + 1 : n;
  }, 0);

/** Whether claims first applies: claims wait in the pool and it has Ready members for them. */
export const claimsWaitForMembers = (
  members: ReadonlyArray<v1beta1.Sandbox>,
  claimsWaiting: boolean,
): boolean =>
  claimsWaiting &&
  members.some((m) => {
    const f = memberFacts(m);
    return !f.deleting && f.ready;
  });

/**
 * The plan with its CreateBatch held back or trimmed as the shaper says, and a requeue for when it may go on.
 * `claimsWaiting`: see `claimsWaitForMembers`.
 */
export const shapeRefill = (
  plan: WarmPoolPlan,
  shaper: RefillShaper,
  config: RefillConfig,
  pool: v1beta1.SandboxWarmPool,
  active: number,
  now: number,
  claimsWaiting: boolean,
): WarmPoolPlan => {
  const key = `${pool.metadata.namespace ?? ""}/${pool.metadata.name ?? ""}`;
  const desired = pool.spec.replicas ?? DEFAULT_WARM_POOL_REPLICAS;
  const held = Math.max(
    shaper.hold(key, active, desired, now, config.replenishDelayMs),
    shaper.claimsFirst(key, claimsWaiting, now, config.claimsFirstMaxMs),
  );
  const batch = plan.actions.find((a) => a._tag === "CreateBatch");
  const requeue = (ms: number): Pick<WarmPoolPlan, "requeueAfterMs"> => ({
    requeueAfterMs: Math.max(1, Math.min(plan.requeueAfterMs ?? ms, ms)),
  });
  if (held > 0 && active < desired)
    return {
      ...plan,
      actions: plan.actions.filter((a) => a !== batch),
      ...requeue(held),
    };
  if (batch === undefined || batch._tag !== "CreateBatch") return plan;
  const { granted, waitMs } = shaper.take(key, batch.objects.length, now, config.maxRefillRate);
  if (granted >= batch.objects.length) return plan;
  const trimmed: Action = { ...batch, objects: batch.objects.slice(0, granted) };
  // A partial grant needs no timer: the created members' events bring the pool back.
  return {
    ...plan,
    actions:
      granted === 0
        ? plan.actions.filter((a) => a !== batch)
        : plan.actions.map((a) => (a === batch ? trimmed : a)),
    ...(granted === 0 ? requeue(waitMs) : {}),
  };
};
