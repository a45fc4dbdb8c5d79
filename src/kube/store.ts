import { type KubeObject, keyOf, objectKey } from "./object";
import { matches, type Selector } from "./selector";
import type { WatcherEvent } from "./watcher";

/** What changed in the cache; `Updated` carries the object it replaced. */
export type CacheEvent<T extends KubeObject = KubeObject> =
  | { readonly _tag: "Added"; readonly object: T }
  | { readonly _tag: "Updated"; readonly object: T; readonly old: T }
  | { readonly _tag: "Deleted"; readonly object: T }
  /** The cache now mirrors a complete list (first list, or a relist). */
  | { readonly _tag: "Synced" };

/** The objects carrying one label value: their keys, and the lists `byLabel` built of them (per namespace). */
class LabelEntry<T> {
  readonly keys = new Set<string>();
  /** Dropped whenever a key comes, goes or its object is replaced, so a list is only ever current. */
  lists: Map<string | undefined, ReadonlyArray<T>> | undefined;
}

/**
 * The reflector's cache: objects by `namespace/name`, with an index per label key and value. Single writer
 * (`apply`); reads are plain synchronous lookups so hot paths (the router) pay nothing extra.
 */
export class Store<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  /** label key -> label value -> its objects. */
  private readonly index = new Map<string, Map<string, LabelEntry<T>>>();
  private synced = false;

  /** Indexes every label key unless `indexedLabels` names the ones worth indexing. */
  constructor(private readonly indexedLabels?: ReadonlyArray<string>) {}

  get size(): number {
    return this.objects.size;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  getByKey(key: string): T | undefined {
    return this.objects.get(key);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(keyOf(namespace, name));
  }

  keys(): IterableIterator<string> {
    return this.objects.keys();
  }

  /** Objects in `namespace` (all when absent) matching `selector` (everything when absent). */
  list(namespace?: string, selector?: Selector): T[] {
    const candidates = this.candidates(selector);
    const out: T[] = [];
    for (const obj of candidates) {
      if (namespace !== undefined && obj.metadata?.namespace !== namespace) continue;
      if (selector && !matches(selector, obj.metadata?.labels)) continue;
      out.push(obj);
    }
    return out;
  }

  /**
   * Objects labelled `key=value` (in `namespace` when given): straight from the index when `key` is indexed,
   * as a list kept until the next change among them (callers of a busy controller ask for the same pool's
   * members on every pass).
   */
  byLabel(key: string, value: string, namespace?: string): ReadonlyArray<T> {
    if (!this.indexed(key)) return this.list(namespace, [{ key, op: "=", value }]);
    const entry = this.index.get(key)?.get(value);
    if (entry === undefined) return [];
    const cached = entry.lists?.get(namespace);
    if (cached !== undefined) return cached;
    const out: T[] = [];
    for (const k of entry.keys) {
      const obj = this.objects.get(k);
      if (obj && (namespace === undefined || obj.metadata?.namespace === namespace)) out.push(obj);
    }
    entry.lists ??= new Map();
    entry.lists.set(namespace, out);
    return out;
  }

  /** Applies one watcher event and reports what changed. */
  apply(event: WatcherEvent<T>): CacheEvent<T>[] {
    switch (event._tag) {
      case "Added":
      case "Modified":
        return this.upsert(event.object);
      case "Deleted": {
        const key = objectKey(event.object);
        const old = this.objects.get(key);
        if (old) this.remove(key, old);
        return [{ _tag: "Deleted", object: event.object }];
      }
      case "Synced":
        return this.replace(event.objects);
    }
  }

  private upsert(object: T): CacheEvent<T>[] {
    const key = objectKey(object);
    const old = this.objects.get(key);
    if (
      old &&
      old.metadata?.resourceVersion === object.metadata?.resourceVersion &&
      old.metadata?.resourceVersion
    ) {
      return [];
    }
    if (old) this.unindex(key, old);
    this.objects.set(key, object);
    this.indexObject(key, object);
    return [old ? { _tag: "Updated", object, old } : { _tag: "Added", object }];
  }

  /** A relist: everything absent from the snapshot was deleted while we were not watching. */
  private replace(snapshot: ReadonlyArray<T>): CacheEvent<T>[] {
    const seen = new Set<string>();
    const events: CacheEvent<T>[] = [];
    for (const obj of snapshot) {
      seen.add(objectKey(obj));
      events.push(...this.upsert(obj));
    }
    for (const [key, old] of this.objects) {
      if (seen.has(key)) continue;
      this.remove(key, old);
      events.push({ _tag: "Deleted", object: old });
    }
    this.synced = true;
    events.push({ _tag: "Synced" });
    return events;
  }

  private remove(key: string, old: T): void {
    this.unindex(key, old);
    this.objects.delete(key);
  }

  private indexed(label: string): boolean {
    return this.indexedLabels === undefined || this.indexedLabels.includes(label);
  }

  /** Calls `f` for each label of `obj` this store indexes (only those keys are looked at when it names them). */
  private eachIndexedLabel(obj: T, f: (label: string, value: string) => void): void {
    const labels = obj.metadata?.labels;
    if (labels === undefined) return;
    if (this.indexedLabels === undefined) for (const label in labels) f(label, labels[label]!);
    else
      for (const label of this.indexedLabels) {
        const value = labels[label];
        if (value !== undefined) f(label, value);
      }
  }

  private indexObject(key: string, obj: T): void {
    this.eachIndexedLabel(obj, (label, value) => {
      let values = this.index.get(label);
      if (!values) {
        values = new Map();
        this.index.set(label, values);
      }
      let entry = values.get(value);
      if (!entry) {
        entry = new LabelEntry();
        values.set(value, entry);
      }
      entry.keys.add(key);
      entry.lists = undefined;
    });
  }

  private unindex(key: string, obj: T): void {
    this.eachIndexedLabel(obj, (label, value) => {
      const values = this.index.get(label);
      const entry = values?.get(value);
      if (!entry) return;
      entry.keys.delete(key);
      entry.lists = undefined;
      if (entry.keys.size === 0) values?.delete(value);
      if (values?.size === 0) this.index.delete(label);
    });
  }

  /** Narrows a scan with the index when the selector has an indexed equality clause. */
  private candidates(selector: Selector | undefined): Iterable<T> {
    const eq = selector?.find((r) => r.op === "=" && this.indexed(r.key));
    if (eq?.op !== "=") return this.objects.values();
    const keys = this.index.get(eq.key)?.get(eq.value)?.keys;
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) {
      const obj = this.objects.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }
}
