// A simulated API server for the model tests: resourceVersions, optimistic locks, delete preconditions,
// generateName, owner-reference GC (background and foreground), and per-kind caches that lag behind the
// store but never go back in time (as informers do). Faults: injected 409s and writes whose response is lost.
import type { Action, ChildKind, Json, JsonObject } from "../../../src/controller/common/actions";
import type { CacheView, KindTypes } from "../../../src/controller/common/view";
import type { WriteOutcome } from "../../../src/controller/step";
import { waitingIn } from "../../../src/controller/waiting";

// biome-ignore lint/suspicious/noExplicitAny: simulated objects are arbitrary JSON, read field by field
type Obj = Record<string, any>;
type Store = ReadonlyMap<string, Obj>;

const storeKey = (kind: string, ns: string, name: string) => `${kind}/${ns}/${name}`;

export class ApiError extends Error {
  constructor(readonly tag: "Conflict" | "NotFound" | "AlreadyExists" | "Lost") {
    super(tag);
  }
}

export const mergePatch = (target: unknown, patch: Json): unknown => {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Obj =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
};

const clone = <T>(v: T): T => structuredClone(v);

export interface Faults {
  /** Probability that an optimistic write fails with Conflict although it would have succeeded. */
  conflict: number;
  /** Probability that a write is applied but its response is lost (the caller sees an error). */
  lostResponse: number;
}

export class SimCluster {
  /** history[i] is the store after the i-th write; caches point into it. */
  readonly history: Store[] = [new Map()];
  rv = 0;
  uid = 0;
  generated = 0;
  now = Date.parse("2026-01-01T00:00:00Z");
  faults: Faults = { conflict: 0, lostResponse: 0 };
  readonly events: Array<{ reason: string; name: string }> = [];
  /** Writes that moved an object from one claim to another (must never happen). */
  readonly handovers: string[] = [];
  /** Objects the controller created for a claim that no longer existed (must never happen). */
  readonly createdForGoneClaims: string[] = [];
  rand: () => number = () => 1;

  get store(): Store {
    return this.history[this.history.length - 1]!;
  }

  private commit(mutate: (m: Map<string, Obj>) => void): void {
    const next = new Map(this.store);
    mutate(next);
    this.history.push(next);
  }

  get(kind: string, ns: string, name: string): Obj | undefined {
    return this.store.get(storeKey(kind, ns, name));
  }

  all(kind?: string): Obj[] {
    return [...this.store.values()].filter((o) => kind === undefined || o.kind === kind);
  }

  private nextRv(): string {
    this.rv++;
    return String(this.rv);
  }

  /** Faults hit the controller's writes only; the test's own writes (users, kubelet) always succeed. */
  private controllerWrite = false;

  private maybeLost(): void {
    if (this.controllerWrite && this.rand() < this.faults.lostResponse) throw new ApiError("Lost");
  }

  create(kind: string, object: Obj): Obj {
    const meta = { ...object.metadata };
    if (!meta.name) meta.name = `${meta.generateName}${(++this.generated).toString(36).padStart(5, "0")}`;
    const ns = meta.namespace ?? "default";
    if (this.get(kind, ns, meta.name)) throw new ApiError("AlreadyExists");
    const obj = clone({
      ...object,
      kind,
      metadata: {
        ...meta,
        namespace: ns,
        uid: `uid-${++this.uid}`,
        resourceVersion: this.nextRv(),
        generation: 1,
        creationTimestamp: new Date(this.now).toISOString(),
      },
    });
    delete obj.metadata.generateName;
    const claimRef = (meta.ownerReferences ?? []).find((r: Obj) => r.controller && r.kind === "SandboxClaim");
    if (
      this.controllerWrite &&
      claimRef &&
      !this.all("SandboxClaim").some((c) => c.metadata.uid === claimRef.uid)
    )
      this.createdForGoneClaims.push(`${kind}/${meta.name}`);
    this.commit((m) => m.set(storeKey(kind, ns, meta.name), obj));
    this.maybeLost();
    return obj;
  }

  update(
    kind: string,
    ns: string,
    name: string,
    fn: (o: Obj) => Obj,
    resourceVersion?: string,
    status = false,
  ): Obj {
    const current = this.get(kind, ns, name);
    if (!current) throw new ApiError("NotFound");
    const injected = this.controllerWrite && this.rand() < this.faults.conflict;
    if (resourceVersion !== undefined && (resourceVersion !== current.metadata.resourceVersion || injected))
      throw new ApiError("Conflict");
    const next = clone(fn(clone(current)));
    if (status) next.spec = current.spec;
    else next.status = current.status;
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(current.spec);
    next.metadata = {
      ...next.metadata,
      uid: current.metadata.uid,
      name,
      namespace: ns,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: this.nextRv(),
      generation: current.metadata.generation + (specChanged ? 1 : 0),
    };
    const controllerOf = (o: Obj) => (o.metadata.ownerReferences ?? []).find((r: Obj) => r.controller);
    const before = controllerOf(current);
    const after = controllerOf(next);
    if (before?.kind === "SandboxClaim" && after?.uid !== before.uid) this.handovers.push(`${kind}/${name}`);
    if (!next.metadata.deletionTimestamp && current.metadata.deletionTimestamp)
      next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    this.commit((m) => m.set(storeKey(kind, ns, name), next));
    this.maybeLost();
    return next;
  }

  delete(
    kind: string,
    ns: string,
    name: string,
    pre: { uid?: string; resourceVersion?: string } = {},
    foreground = false,
  ): string | undefined {
    const current = this.get(kind, ns, name);
    if (!current) return undefined;
    if (
      (pre.uid !== undefined && pre.uid !== current.metadata.uid) ||
      (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion)
    )
      throw new ApiError("Conflict");
    if (foreground && this.dependents(current.metadata.uid).length > 0) {
      if (!current.metadata.deletionTimestamp)
        this.commit((m) =>
          m.set(storeKey(kind, ns, name), {
            ...current,
            metadata: {
              ...current.metadata,
              deletionTimestamp: new Date(this.now).toISOString(),
              finalizers: ["foregroundDeletion"],
              resourceVersion: this.nextRv(),
            },
          }),
        );
      return current.metadata.uid;
    }
    this.commit((m) => m.delete(storeKey(kind, ns, name)));
    return current.metadata.uid;
  }

  dependents(uid: string): Obj[] {
    return this.all().filter((o) => (o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === uid));
  }

  /** One garbage-collector sweep: delete dependents whose owners are gone, finish foreground deletions. */
  gc(): void {
    for (let changed = true; changed; ) {
      changed = false;
      const uids = new Set(this.all().map((o) => o.metadata.uid));
      for (const o of this.all()) {
        const refs: Obj[] = o.metadata.ownerReferences ?? [];
        const foregroundOwner = refs.some((r) =>
          this.all().some(
            (x) =>
              x.metadata.uid === r.uid &&
              x.metadata.deletionTimestamp &&
              x.metadata.finalizers?.includes("foregroundDeletion"),
          ),
        );
        if ((refs.length > 0 && refs.every((r) => !uids.has(r.uid))) || foregroundOwner) {
          this.commit((m) => m.delete(storeKey(o.kind, o.metadata.namespace, o.metadata.name)));
          changed = true;
        }
      }
      for (const o of this.all())
        if (
          o.metadata.finalizers?.includes("foregroundDeletion") &&
          this.dependents(o.metadata.uid).length === 0
        ) {
          this.commit((m) => m.delete(storeKey(o.kind, o.metadata.namespace, o.metadata.name)));
          changed = true;
        }
    }
  }

  /** Apply a plan's actions in order, as the controller's applier does; stops at the first failure. */
  apply(actions: ReadonlyArray<Action>): WriteOutcome & { error?: string } {
    const created: string[] = [];
    const deleted: string[] = [];
    /** The version each object this plan patched was left at, for status writes locked on it. */
    const patched = new Map<string, string>();
    /** false: stop here quietly. */
    const run = (a: Action): boolean | undefined => {
      switch (a._tag) {
        case "RequireLive": {
          const o = this.get(a.key.kind, a.key.namespace, a.key.name);
          return o?.metadata.uid === a.uid && !o.metadata.deletionTimestamp;
        }
        case "Create":
          this.createTracked(a.kind, a.object, created);
          return;
        case "CreateBatch":
          for (const o of a.objects) this.createTracked(a.kind, o, created);
          return;
        case "Patch": {
          const next = this.update(
            a.key.kind,
            a.key.namespace,
            a.key.name,
            (o) => mergePatch(o, a.patch) as Obj,
            a.resourceVersion,
          );
          patched.set(storeKey(a.key.kind, a.key.namespace, a.key.name), next.metadata.resourceVersion);
          return;
        }
        case "PatchStatus":
          this.update(
            a.key.kind,
            a.key.namespace,
            a.key.name,
            (o) => ({ ...o, status: mergePatch(o.status ?? {}, a.status) }),
            (a.afterOwnPatch ? patched.get(storeKey(a.key.kind, a.key.namespace, a.key.name)) : undefined) ??
              a.resourceVersion,
            true,
          );
          return;
        case "Delete": {
          const uid = this.delete(
            a.key.kind,
            a.key.namespace,
            a.key.name,
            {
              ...(a.uid ? { uid: a.uid } : {}),
              ...(a.resourceVersion ? { resourceVersion: a.resourceVersion } : {}),
            },
            a.propagation === "Foreground",
          );
          if (uid) deleted.push(uid);
          return;
        }
        case "Event":
          this.events.push({ reason: a.reason, name: a.regarding.name });
          return;
      }
    };
    this.controllerWrite = true;
    try {
      for (const a of actions) if (run(a) === false) break;
      return { created, deleted };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return { created, deleted, error: e.tag };
    } finally {
      this.controllerWrite = false;
    }
  }

  /** A lost response still creates the object, but the controller never learns its generated name. */
  private createTracked(kind: ChildKind, object: JsonObject, created: string[]): void {
    created.push(this.create(kind, object as Obj).metadata.name);
  }
}

const matches = (o: Obj, label?: { key: string; value: string }) =>
  label === undefined || o.metadata.labels?.[label.key] === label.value;

/** A controller's view: one cache per kind, each at its own point in the store's history. */
export class SimCaches implements CacheView {
  readonly index = new Map<string, number>();

  constructor(readonly cluster: SimCluster) {}

  private storeFor(kind: string): Store {
    return this.cluster.history[this.index.get(kind) ?? this.cluster.history.length - 1]!;
  }

  /** Catch every cache up with the store (an informer's relist, or a fresh start). */
  sync(): void {
    for (const kind of KINDS) this.index.set(kind, this.cluster.history.length - 1);
  }

  /** Move one kind's cache forward to a random point, never back. */
  advance(kind: string, fraction: number): void {
    const from = this.index.get(kind) ?? 0;
    const to = this.cluster.history.length - 1;
    this.index.set(kind, Math.max(from, Math.round(from + (to - from) * fraction)));
  }

  get<K extends ChildKind>(kind: K, namespace: string, name: string): KindTypes[K] | undefined {
    return this.storeFor(kind).get(storeKey(kind, namespace, name)) as KindTypes[K] | undefined;
  }

  /** By scanning the claim cache: what the controller's index answers from claim events. */
  hasWaitingClaims(namespace: string, pool: string): boolean {
    return this.list("SandboxClaim", namespace).some((c) => waitingIn(c) === `${namespace}/${pool}`);
  }

  list<K extends ChildKind>(
    kind: K,
    namespace: string,
    label?: { key: string; value: string },
  ): ReadonlyArray<KindTypes[K]> {
    return [...this.storeFor(kind).values()].filter(
      (o) => o.kind === kind && o.metadata.namespace === namespace && matches(o, label),
    ) as unknown as KindTypes[K][];
  }
}

export const KINDS: ReadonlyArray<ChildKind> = [
  "Sandbox",
  "SandboxClaim",
  "SandboxWarmPool",
  "SandboxTemplate",
  "Pod",
  "Service",
  "PersistentVolumeClaim",
  "NetworkPolicy",
];
