// Claims that have no Sandbox yet, by pool: the claims a pool (or pool member) change may unblock. Kept up to
// date from claim events, so mapping a pool-member event costs the pool's waiting claims, not a scan of
// every claim in the namespace (a burst of N claims against one pool made that N x N).
import type { v1beta1 } from "../api";

const poolKey = (namespace: string, pool: string) => `${namespace}/${pool}`;

export class WaitingClaims {
  /** "namespace/pool" -> names of its waiting claims. */
  readonly #byPool = new Map<string, Set<string>>();
  /** "namespace/claim" -> the "namespace/pool" it waits in. */
  readonly #poolOf = new Map<string, string>();

  /** Records a claim as it is now (`gone`: deleted). */
  observe(claim: v1beta1.SandboxClaim, gone = false): void {
    const namespace = claim.metadata.namespace ?? "";
    const name = claim.metadata.name ?? "";
    const key = `${namespace}/${name}`;
    const waitsIn =
      gone || claim.status?.sandbox?.name ? undefined : poolKey(namespace, claim.spec.warmPoolRef.name);
    const before = this.#poolOf.get(key);
    if (before === waitsIn) return;
    if (before !== undefined) {
      const names = this.#byPool.get(before);
      names?.delete(name);
      if (names?.size === 0) this.#byPool.delete(before);
      this.#poolOf.delete(key);
    }
    if (waitsIn !== undefined) {
      const names = this.#byPool.get(waitsIn);
      if (names) names.add(name);
      else this.#byPool.set(waitsIn, new Set([name]));
      this.#poolOf.set(key, waitsIn);
    }
  }

  /** Names of the claims waiting in `pool`. */
  in(namespace: string, pool: string): ReadonlyArray<string> {
    return [...(this.#byPool.get(poolKey(namespace, pool)) ?? [])];
  }

  get size(): number {
    return this.#poolOf.size;
  }
}
