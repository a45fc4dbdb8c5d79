// Warm-pool expectations: after creating or deleting members, a pool does not scale again until the cache
// shows those writes (otherwise a lagging cache makes it create the same members twice). State-based: the
// names created and UIDs deleted are remembered and checked against the cache, with a timeout fallback.
import type { v1beta1 } from "../../api";

export interface PoolExpectation {
  readonly creates: ReadonlySet<string>;
  readonly deletes: ReadonlySet<string>;
  readonly since: number;
}

/** After this long, a write the cache never showed is assumed lost and the pool plans afresh. */
export const EXPECTATION_TIMEOUT_MS = 30_000;

export const expectationSatisfied = (
  e: PoolExpectation | undefined,
  members: ReadonlyArray<v1beta1.Sandbox>,
  now: number,
): boolean => {
  if (e === undefined || now - e.since >= EXPECTATION_TIMEOUT_MS) return true;
  // One pass, no sets built: a pool with creates in flight is checked on every pass, however big it is.
  let created = 0;
  for (const m of members) {
    if (e.creates.has(m.metadata.name ?? "")) created++;
    if (e.deletes.has(m.metadata.uid ?? "") && m.metadata.deletionTimestamp === undefined) return false;
  }
  return created === e.creates.size;
};

/** Pool key -> what its last writes should make the cache show. In memory: a restart forgets it. */
export class Expectations {
  readonly #byPool = new Map<string, PoolExpectation>();

  get(pool: string): PoolExpectation | undefined {
    return this.#byPool.get(pool);
  }

  record(pool: string, creates: ReadonlyArray<string>, deletes: ReadonlyArray<string>, now: number): void {
    if (creates.length === 0 && deletes.length === 0) return;
    const prev = this.#byPool.get(pool);
    this.#byPool.set(pool, {
      creates: new Set([...(prev?.creates ?? []), ...creates]),
      deletes: new Set([...(prev?.deletes ?? []), ...deletes]),
      since: now,
    });
  }

  /** Drop the expectation once it is met, so the set never grows. */
  settle(pool: string, members: ReadonlyArray<v1beta1.Sandbox>, now: number): boolean {
    const satisfied = expectationSatisfied(this.#byPool.get(pool), members, now);
    if (satisfied) this.#byPool.delete(pool);
    return satisfied;
  }

  pendingDeletes(pool: string): ReadonlySet<string> {
    return this.#byPool.get(pool)?.deletes ?? new Set();
  }
}
