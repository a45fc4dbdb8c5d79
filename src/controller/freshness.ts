// Read-your-writes for reconcile keys. A reconcile that runs again before the caches show its own last writes
// plans from a view it already knows is stale: it redoes the same adoption (a second claim patch and a 409 on
// the Sandbox) or rewrites a status it just wrote from older conditions (flapping transition times). Each
// of those is a wasted API write plus a wasted pass. So a key whose last writes the cache has not caught up
// with is skipped; the watch event that shows the write brings it back (every object a reconciler writes
// maps back to its key: owned children, its own object and status). An optimisation only: the locks keep
// stale passes safe, and a restart or a timeout simply opens the gate.
import type { ChildKind } from "./common/actions";
import type { CacheView } from "./common/view";

export interface WrittenVersion {
  readonly kind: ChildKind;
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  /** Created by this pass: absence from the cache means "not seen yet", not "deleted since". */
  readonly created: boolean;
}

/** After this long a key runs whatever the cache shows (a lost watch event must not stall it). */
export const FRESHNESS_TIMEOUT_MS = 2000;

interface Pending {
  readonly writes: ReadonlyArray<WrittenVersion>;
  readonly since: number;
}

/** Resource versions are opaque to clients; ours and etcd's are integers. Anything else is never waited on. */
const asNumber = (rv: string | undefined): number | undefined =>
  rv !== undefined && /^\d+$/.test(rv) ? Number(rv) : undefined;

const seen = (view: CacheView, w: WrittenVersion): boolean => {
  const wanted = asNumber(w.resourceVersion);
  if (wanted === undefined) return true;
  const cached = view.get(w.kind, w.namespace, w.name) as
    | { metadata?: { resourceVersion?: string } }
    | undefined;
  if (cached === undefined) return !w.created;
  const have = asNumber(cached.metadata?.resourceVersion);
  return have === undefined || have >= wanted;
};

export class WriteGate {
  readonly #pending = new Map<string, Pending>();

  /** Remembers what a pass of `key` wrote (replacing the previous pass's record). */
  record(key: string, writes: ReadonlyArray<WrittenVersion>, now: number): void {
    if (writes.length === 0) this.#pending.delete(key);
    else this.#pending.set(key, { writes, since: now });
  }

  /** 0 when `key` may run; otherwise how long until the timeout opens the gate anyway. */
  wait(key: string, view: CacheView, now: number): number {
    const p = this.#pending.get(key);
    if (p === undefined) return 0;
    const left = p.since + FRESHNESS_TIMEOUT_MS - now;
    if (left <= 0 || p.writes.every((w) => seen(view, w))) {
      this.#pending.delete(key);
      return 0;
    }
    return left;
  }

  get size(): number {
    return this.#pending.size;
  }
}
