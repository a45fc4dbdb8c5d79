// Claims that have no Sandbox yet, by pool: the claims a pool (or pool member) change may unblock. Kept up to
// date from claim events, so mapping a pool-member event costs the pool's waiting claims, not a scan of
// every claim in the namespace (a burst of N claims against one pool made that N x N).
import type { v1beta1 } from "../api";

const poolKey = (namespace: string, pool: string) => `${namespace}/${pool}`;

/** The "namespace/pool" a claim waits in for a Sandbox, or undefined once its status names one. */
export const waitingIn = (claim: v1beta1.SandboxClaim): string | undefined =>
  claim.status?.sandbox?.name
    ? undefined
    : poolKey(claim.metadata.namespace ?? "", claim.spec.warmPoolRef.name);

export class WaitingClaims {
  /** "namespace/pool" -> names of its waiting claims. */
  readonly #byPool = new Map<string, Set<string>>();
  /** "namespace/claim" -> the "namespace/pool" it waits in. */
  readonly #poolOf = new Map<string, string>();

  /**
   * Records a claim as it is now (`gone`: deleted). Returns the "namespace/pool" this left without waiting
   * claims, if it did (the pool may hold its refill for them: see refill.ts).
   */
  observe(claim: v1beta1.SandboxClaim, gone = false): string | undefined {
    const namespace = claim.metadata.namespace ?? "";
    const name = claim.metadata.name ?? "";
    const key = `${namespace}/${name}`;
    const waitsIn = gone ? undefined : waitingIn(claim);
    const before = this.#poolOf.get(key);
    if (before === waitsIn) return undefined;
    let emptied: string | undefined;
    if (before !== undefined) {
      const names = this.#byPool.get(before);
      names?.delete(name);
      if (names?.size === 0) {
        this.#byPool.delete(before);
        emptied = before;
      }
      this.#poolOf.delete(key);
    }
    if (waitsIn !== undefined) {
      const names = this.#byPool.get(waitsIn);
      if (names) names.add(name);
      else this.#byPool.set(waitsIn, new Set([name]));
      this.#poolOf.set(key, waitsIn);
    }
    return emptied;
  }

  has(namespace: string, pool: string): boolean {
    return this.#byPool.has(poolKey(namespace, pool));
  }

  /** Names of the claims waiting in `pool`. */
  in(namespace: string, pool: string): ReadonlyArray<string> {
    return [...(this.#byPool.get(poolKey(namespace, pool)) ?? [])];
  }

  get size(): number {
    return this.#poolOf.size;
  }
}
