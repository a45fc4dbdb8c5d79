// Own-write echoes. Every object a reconciler writes maps back to its key, so each write's watch event brings
// the key back for a pass over a view that differs from the last one only by what that pass wrote. After a
// pass that only patched objects (statuses, labels, the binding annotation, a warm Sandbox's take) and asked
// for no rerun, planning again over its own patches plans nothing (the model test checks this for every kind),
// so the passes those echoes alone bring back are skipped. Any other event concerning the key brings it back
// as before: a write by someone else, a deletion, a version the key did not write. A pass that created or
// deleted objects, asked for a requeue, failed or was deferred is never followed by a skip (and a skip drops
// no delay: none is pending after a settled pass).
import type { WrittenVersion } from "./freshness";

/** `kind/namespace/name@resourceVersion` of one object state. */
export const versionKey = (kind: string, namespace: string, name: string, resourceVersion: string): string =>
  `${kind}/${namespace}/${name}@${resourceVersion}`;

const FOREIGN = "foreign";

export interface PassWrites {
  readonly versions: ReadonlyArray<WrittenVersion>;
  /** UIDs of objects the pass deleted. */
  readonly deleted: ReadonlyArray<string>;
}

export class OwnEchoes {
  /** Per key: the versions its last pass patched, when that pass only patched and asked for no rerun. */
  readonly #patched = new Map<string, ReadonlySet<string>>();
  /** Per key: what brought it back since its last pass planned (versions seen, or a foreign event). */
  readonly #since = new Map<string, Set<string> | typeof FOREIGN>();

  /** An event concerning `key` showed this object state (`undefined`: a deletion or a state with no version). */
  observed(key: string, version: string | undefined): void {
    const since = this.#since.get(key);
    if (since === FOREIGN) return;
    if (version === undefined) this.#since.set(key, FOREIGN);
    else if (since === undefined) this.#since.set(key, new Set([version]));
    else since.add(version);
  }

  /**
   * True when only echoes of the last pass's own patches brought `key` back: the pass may be skipped (what it
   * collected is dropped with it). Otherwise the collection stands until a pass plans.
   */
  onlyEchoes(key: string): boolean {
    const since = this.#since.get(key);
    const patched = this.#patched.get(key);
    if (since === undefined || since === FOREIGN || patched === undefined) return false;
    for (const v of since) if (!patched.has(v)) return false;
    this.#since.delete(key);
    return true;
  }

  /** A pass of `key` is about to plan from the view as it is now: it answers everything collected so far. */
  planning(key: string): void {
    this.#since.delete(key);
  }

  /** A pass of `key` that planned ended; `settled`: it succeeded and asked for no requeue. */
  finished(key: string, writes: PassWrites, settled: boolean): void {
    const onlyPatched = writes.deleted.length === 0 && writes.versions.every((w) => !w.created);
    if (settled && onlyPatched && writes.versions.length > 0)
      this.#patched.set(
        key,
        new Set(writes.versions.map((w) => versionKey(w.kind, w.namespace, w.name, w.resourceVersion))),
      );
    else this.#patched.delete(key);
  }

  /** The key's object is gone. */
  forget(key: string): void {
    this.#patched.delete(key);
    this.#since.delete(key);
  }
}
