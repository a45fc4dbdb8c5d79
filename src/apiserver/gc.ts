// Owner-reference garbage collection and namespace cleanup, run asynchronously after commits as
// kube-controller-manager's garbage collector and namespace controller do.
//  - an object whose owners are all gone is deleted (background propagation);
//  - an owner marked with the `foregroundDeletion` finalizer has its dependents deleted first and goes once
//    no dependent with blockOwnerDeletion remains;
//  - an owner marked with the `orphan` finalizer has its references removed from dependents first;
//  - a terminating namespace has its contents deleted, then goes itself.
import type { Engine } from "./engine";
import { finalizersOf, metaOf, type OwnerRef, ownerRefsOf } from "./meta";
import type { KObject, ResourceDef } from "./resources/types";
import { resourceId } from "./resources/types";
import type { StoredEvent } from "./storage/store";

/** An object as stored, with the definition of its resource. */
interface Stored {
  readonly def: ResourceDef;
  readonly obj: KObject;
}

interface Location {
  readonly rid: string;
  readonly namespace: string;
  readonly name: string;
}

/** Sets a metadata list, dropping the key when it becomes empty (as Kubernetes omits empty lists). */
const withList = (
  meta: Record<string, unknown>,
  key: string,
  list: ReadonlyArray<unknown>,
): Record<string, unknown> => {
  const out = { ...meta };
  if (list.length === 0) delete out[key];
  else out[key] = list;
  return out;
};

type Work =
  | `owner-gone:${string}`
  | `foreground:${string}`
  | `orphan:${string}`
  | `dependent:${string}`
  | `namespace:${string}`;

const sameOwners = (indexed: ReadonlyArray<string> | undefined, owners: ReadonlyArray<string>): boolean =>
  (indexed ?? []).length === owners.length && owners.every((uid, i) => indexed![i] === uid);

export class GarbageCollector {
  private readonly byUid = new Map<string, Location>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly ownersOfUid = new Map<string, ReadonlyArray<string>>();
  private readonly queue = new Set<Work>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly defsById: () => ReadonlyMap<string, ResourceDef>,
  ) {
    for (const [rid, obj] of engine.store.all()) this.index(rid, obj, false);
    engine.onCommit((events) => this.observe(events));
    // Finish work interrupted by a restart: terminating namespaces and owners waiting on dependents.
    for (const [rid, obj] of engine.store.all()) {
      const meta = metaOf(obj);
      if (meta.deletionTimestamp === undefined) continue;
      if (rid === "namespaces") this.enqueue(`namespace:${String(meta.name)}`);
      else this.enqueueFinalizerWork(obj);
    }
    for (const uid of this.ownersOfUid.keys()) this.enqueue(`dependent:${uid}`);
  }

  stop(): void {
    this.stopped = true;
  }

  private index(rid: string, obj: KObject, removed: boolean): void {
    const meta = metaOf(obj);
    const uid = String(meta.uid);
    const owners = ownerRefsOf(obj).map((r) => r.uid);
    // Most writes keep an object's owners (and a uid's name never changes): nothing to re-index.
    if (!removed && this.byUid.has(uid) && sameOwners(this.ownersOfUid.get(uid), owners)) return;
    for (const owner of this.ownersOfUid.get(uid) ?? []) this.dependents.get(owner)?.delete(uid);
    if (removed) {
      this.byUid.delete(uid);
      this.ownersOfUid.delete(uid);
      return;
    }
    this.byUid.set(uid, { rid, namespace: String(meta.namespace ?? ""), name: String(meta.name) });
    if (owners.length === 0) this.ownersOfUid.delete(uid);
    else this.ownersOfUid.set(uid, owners);
    for (const owner of owners) {
      let set = this.dependents.get(owner);
      if (!set) {
        set = new Set();
        this.dependents.set(owner, set);
      }
      set.add(uid);
    }
  }

  private observe(events: ReadonlyArray<StoredEvent>): void {
    for (const e of events) {
      const meta = metaOf(e.object);
      const uid = String(meta.uid);
      this.index(e.rid, e.object, e.type === "DELETED");
      if (e.type === "DELETED") {
        this.enqueue(`owner-gone:${uid}`);
        for (const r of ownerRefsOf(e.object)) this.enqueue(`foreground:${r.uid}`);
        if (e.namespace) this.enqueue(`namespace:${e.namespace}`);
        continue;
      }
      if (e.type === "ADDED" && ownerRefsOf(e.object).length > 0) this.enqueue(`dependent:${uid}`);
      if (meta.deletionTimestamp !== undefined) {
        if (e.rid === "namespaces") this.enqueue(`namespace:${String(meta.name)}`);
        else this.enqueueFinalizerWork(e.object);
      }
    }
  }

  private enqueueFinalizerWork(obj: KObject): void {
    const uid = String(metaOf(obj).uid);
    const finalizers = finalizersOf(obj);
    if (finalizers.includes("foregroundDeletion")) this.enqueue(`foreground:${uid}`);
    if (finalizers.includes("orphan")) this.enqueue(`orphan:${uid}`);
  }

  private enqueue(w: Work): void {
    this.queue.add(w);
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setTimeout(() => this.drain(), 0);
  }

  private drain(): void {
    this.scheduled = false;
    // Bounded batches keep the event loop responsive for requests while a big cascade runs.
    let budget = 500;
    for (const w of this.queue) {
      if (this.stopped || budget-- <= 0) break;
      this.queue.delete(w);
      const colon = w.indexOf(":");
      const arg = w.slice(colon + 1);
      try {
        switch (w.slice(0, colon)) {
          case "owner-gone":
            this.collectDependentsOf(arg);
            break;
          case "foreground":
            this.foreground(arg);
            break;
          case "orphan":
            this.orphan(arg);
            break;
          case "dependent":
            this.collectIfOwnersGone(arg);
            break;
          case "namespace":
            this.cleanNamespace(arg);
            break;
        }
      } catch (err) {
        console.error(`apiserver gc: ${w}:`, err);
      }
    }
    if (this.queue.size > 0 && !this.stopped && !this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.drain(), 0);
    }
  }

  private lookup(uid: string): Stored | undefined {
    const loc = this.byUid.get(uid);
    if (!loc) return undefined;
    const def = this.defsById().get(loc.rid);
    const obj = this.engine.store.get(loc.rid, loc.namespace, loc.name);
    return def && obj ? { def, obj } : undefined;
  }

  private dropFinalizer(found: Stored, finalizer: string): void {
    const rest = finalizersOf(found.obj).filter((f) => f !== finalizer);
    this.engine.editStored(found.def, found.obj, (meta) => withList(meta, "finalizers", rest));
  }

  private keepOwnerRefs(found: Stored, keep: (ref: OwnerRef) => boolean): void {
    const kept = ownerRefsOf(found.obj).filter(keep);
    this.engine.editStored(found.def, found.obj, (meta) => withList(meta, "ownerReferences", kept));
  }

  private collectDependentsOf(ownerUid: string): void {
    for (const dep of [...(this.dependents.get(ownerUid) ?? [])]) this.collectIfOwnersGone(dep);
    if (!this.byUid.has(ownerUid)) this.dependents.delete(ownerUid);
  }

  /** Deletes a dependent whose owners are all gone; drops references to gone owners otherwise. */
  private collectIfOwnersGone(uid: string): void {
    const found = this.lookup(uid);
    if (!found) return;
    const refs = ownerRefsOf(found.obj);
    const live = refs.filter((r) => this.byUid.has(r.uid));
    if (live.length === refs.length) return;
    if (live.length === 0) {
      this.engine.deleteStored(found.def, found.obj);
      return;
    }
    const keep = new Set(live.map((r) => r.uid));
    this.keepOwnerRefs(found, (r) => keep.has(r.uid));
  }

  private foreground(ownerUid: string): void {
    const owner = this.lookup(ownerUid);
    if (!owner || !finalizersOf(owner.obj).includes("foregroundDeletion")) return;
    if (metaOf(owner.obj).deletionTimestamp === undefined) return;
    let blocking = 0;
    for (const depUid of this.dependents.get(ownerUid) ?? []) {
      const dep = this.lookup(depUid);
      if (!dep) continue;
      const ref = ownerRefsOf(dep.obj).find((r) => r.uid === ownerUid);
      if (ref?.blockOwnerDeletion === true) blocking++;
      if (metaOf(dep.obj).deletionTimestamp === undefined)
        this.engine.deleteStored(dep.def, dep.obj, "Foreground");
    }
    if (blocking > 0) return;
    this.dropFinalizer(owner, "foregroundDeletion");
  }

  private orphan(ownerUid: string): void {
    const owner = this.lookup(ownerUid);
    if (!owner || !finalizersOf(owner.obj).includes("orphan")) return;
    for (const depUid of [...(this.dependents.get(ownerUid) ?? [])]) {
      const dep = this.lookup(depUid);
      if (!dep) continue;
      this.keepOwnerRefs(dep, (r) => r.uid !== ownerUid);
    }
    const current = this.lookup(ownerUid);
    if (!current) return;
    this.dropFinalizer(current, "orphan");
  }

  private cleanNamespace(name: string): void {
    const ns = this.engine.store.get("namespaces", "", name);
    if (!ns || metaOf(ns).deletionTimestamp === undefined) return;
    let remaining = 0;
    for (const def of this.defsById().values()) {
      if (!def.namespaced) continue;
      for (const obj of this.engine.store.list(resourceId(def), name)) {
        remaining++;
        if (metaOf(obj).deletionTimestamp === undefined) this.engine.deleteStored(def, obj);
      }
    }
    // Deletions above commit synchronously; whatever is still there waits on finalizers or the node agent.
    if (remaining > 0 && this.anyLeft(name)) return;
    this.engine.commit([{ type: "DELETED", rid: "namespaces", object: ns }]);
  }

  private anyLeft(namespace: string): boolean {
    for (const def of this.defsById().values()) {
      if (def.namespaced && this.engine.store.list(resourceId(def), namespace).length > 0) return true;
    }
    return false;
  }
}
