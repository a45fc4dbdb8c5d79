// The object semantics of the API server: create, read, update, patch and delete with Kubernetes' rules
// for metadata, optimistic concurrency, status subresources, finalizers and graceful deletion.
// All of it runs synchronously between two awaits, so each request sees and writes a consistent store.
import type { Conversions } from "./conversion";
import { admitCustomResource, pruneCustomResource } from "./crd-schema";
import { OBJECT_META } from "./discovery/object-meta";
import { enforceFieldValidation, type FieldValidation } from "./field-validation";
import { finalizersOf, generateName, metaOf, now, timeIn, validateLabels, validateName } from "./meta";
import { isPlainObject } from "./patch/merge";
import type { Registry } from "./resources/registry";
import { prepareCreate, prepareUpdate } from "./resources/strategies";
import { apiVersionOf, type KObject, type ResourceDef, resourceId } from "./resources/types";
import { childPath, pruneWithReport } from "./schema";
import { deepEqual } from "./schema/cel";
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  forbiddenCause,
  invalid,
  notFound,
  STALE_OBJECT,
  type StatusCause,
} from "./status";
import type { Change, Store, StoredEvent } from "./storage/store";
import type { WatchHub } from "./watch/hub";

/** The resource, version and namespace ("" when cluster-scoped or all namespaces) a request addresses. */
export interface Target {
  readonly def: ResourceDef;
  readonly version: string;
  readonly namespace: string;
}

export type Subresource = "" | "status";

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: "Background" | "Foreground" | "Orphan";
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

export interface WriteOptions {
  readonly dryRun?: boolean;
  /** The request's `fieldValidation`; absent for the server's own writes (unknown fields dropped silently). */
  readonly fieldValidation?: FieldValidation;
}

type DeletionStep =
  | { readonly action: "none" }
  | { readonly action: "remove" }
  | { readonly action: "mark"; readonly object: KObject };

/** Told about every committed batch; garbage collection and the CRD lifecycle listen here. */
export type CommitListener = (events: ReadonlyArray<StoredEvent>) => void;

const SERVER_OWNED = [
  "uid",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "generation",
  "resourceVersion",
  "selfLink",
] as const;

const NAMESPACES: Pick<ResourceDef, "group" | "plural"> = { group: "", plural: "namespaces" };
const PROTECTED_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

const withoutKeys = (o: KObject, keys: ReadonlyArray<string>): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...o };
  for (const k of keys) delete out[k];
  return out;
};

/**
 * Deep equality, key order aside (kube-apiserver's encoders order keys themselves). Admission hands back the
 * parts of an object that did not change as the stored values, so these compare by reference at once.
 */
const sameJson = deepEqual;

export class Engine {
  private readonly listeners: CommitListener[] = [];
  /**
   * Stored objects this engine decoded and admitted itself, with the schema that did it (`OBJECT_META` for
   * built-in kinds): an update in the storage version then leaves alone what it did not change.
   */
  private readonly admittedWith = new WeakMap<KObject, object>();

  constructor(
    readonly store: Store,
    readonly hub: WatchHub,
    readonly registry: Registry,
    readonly conversions: Conversions,
  ) {
    store.setDurabilityListener({
      durable: (events) => {
        this.hub.publish(events);
        for (const l of this.listeners) l(events);
      },
      // A watch opened while the lost commits stood may have replayed them: every watcher starts over.
      lost: (error) => {
        console.error(`apiserver: the last commits were undone: ${error.message}`);
        this.hub.closeAll();
      },
    });
  }

  /** `listener` hears of every change once it is durable, in version order, a turn's changes together. */
  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** The single write path: persist; watchers and listeners hear of it once it is durable. */
  commit(changes: ReadonlyArray<Change>): StoredEvent[] {
    return this.store.commit(changes);
  }

  toVersion(def: ResourceDef, obj: KObject, version: string): KObject {
    return this.conversions.convert(def, obj, version);
  }

  // ---------------------------------------------------------------- reads

  get(t: Target, name: string): KObject {
    const obj = this.store.get(resourceId(t.def), t.namespace, name);
    if (!obj) throw notFound(t.def, name);
    return this.toVersion(t.def, obj, t.version);
  }

  stored(def: ResourceDef, namespace: string, name: string): KObject | undefined {
    return this.store.get(resourceId(def), namespace, name);
  }

  // ---------------------------------------------------------------- create

  private checkBody(t: Target, body: unknown, urlName?: string): KObject {
    if (!isPlainObject(body)) throw badRequest("the body of the request must be a JSON or YAML object");
    const expected = apiVersionOf(t.def.group, t.version);
    if (body.apiVersion !== undefined && body.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
    if (body.kind !== undefined && body.kind !== t.def.kind) {
      throw badRequest(
        `the kind in the data (${String(body.kind)}) does not match the expected kind (${t.def.kind})`,
      );
    }
    if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
      throw badRequest("metadata must be an object");
    }
    const meta: Record<string, unknown> = { ...metaOf(body) };
    if (t.def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== t.namespace) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      meta.namespace = t.namespace;
    } else delete meta.namespace;
    if (urlName !== undefined && meta.name !== undefined && meta.name !== urlName) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${urlName})`,
      );
    }
    return { apiVersion: expected, kind: t.def.kind, ...body, metadata: meta };
  }

  /**
   * Drops what the kind does not know, as kube-apiserver's decoder does: unknown ObjectMeta keys for every
   * kind, and fields outside a custom resource's schema. What went is reported through fieldValidation.
   */
  private decode(
    t: Target,
    obj: KObject,
    fv: FieldValidation | undefined,
    settled: KObject | undefined,
  ): KObject {
    const meta = pruneWithReport(OBJECT_META, obj.metadata, false, settled?.metadata);
    const unknown = meta.pruned.map((p) => childPath("metadata", p));
    let out: KObject = { ...obj, metadata: meta.value as Record<string, unknown> };
    if (t.def.crd) {
      const pruned = pruneCustomResource(t.def, t.version, out, settled);
      out = pruned.object;
      unknown.push(...pruned.unknown);
    }
    enforceFieldValidation(fv, unknown, obj);
    return out;
  }

  /**
   * The schema an update through `t` decodes and admits with, when the result is stored as it is (the
   * storage version: no conversion between the stored object and the request's).
   */
  private admissionSchema(t: Target): object | undefined {
    if (t.version !== t.def.storageVersion) return undefined;
    return t.def.crd ? (t.def.crd.schemas[t.version] as object | undefined) : OBJECT_META;
  }

  /** `stored` was admitted by `schema` (the target's `admissionSchema`), if there is one. */
  private recordAdmission(stored: KObject, schema: object | undefined): void {
    if (schema !== undefined) this.admittedWith.set(stored, schema);
  }

  private requireNamespace(t: Target, name: string): void {
    if (!t.def.namespaced) return;
    const ns = this.store.get(resourceId(NAMESPACES), "", t.namespace);
    if (!ns) throw notFound(NAMESPACES, t.namespace);
    if (metaOf(ns).deletionTimestamp) {
      throw forbidden(
        t.def,
        name,
        `${t.def.plural} "${name}" is forbidden: unable to create new content in namespace ${t.namespace} because it is being terminated`,
      );
    }
  }

  /** Schema defaulting/validation for custom resources, then per-kind rules; throws 422 on causes. */
  private admit(
    t: Target,
    obj: KObject,
    name: string,
    extra: ReadonlyArray<StatusCause>,
    old?: KObject,
    settled?: KObject,
  ): KObject {
    const causes: StatusCause[] = [...extra, ...validateLabels(metaOf(obj))];
    let out = obj;
    if (t.def.crd) {
      const admitted = admitCustomResource(t.def, t.version, out, old, settled);
      out = admitted.object;
      causes.push(...admitted.causes);
    }
    if (causes.length > 0) throw invalid(t.def.group, t.def.kind, name, causes);
    return out;
  }

  create(t: Target, body: unknown, opts: WriteOptions = {}): KObject {
    const obj = this.decode(t, this.checkBody(t, body), opts.fieldValidation, undefined);
    const meta = obj.metadata as Record<string, unknown>;
    for (const k of [...SERVER_OWNED, "managedFields"]) delete meta[k];
    const causes: StatusCause[] = [];
    let name = typeof meta.name === "string" ? meta.name : "";
    const prefix = typeof meta.generateName === "string" ? meta.generateName : "";
    if (name === "" && prefix === "") {
      causes.push({
        reason: "FieldValueRequired",
        message: "Required value: name or generateName is required",
        field: "metadata.name",
      });
    } else if (name === "") {
      causes.push(...validateName(`${prefix}a`, t.def.nameRule, "metadata.generateName"));
    } else causes.push(...validateName(name, t.def.nameRule));
    if (causes.length > 0) throw invalid(t.def.group, t.def.kind, name || prefix, causes);
    this.requireNamespace(t, name || prefix);

    const rid = resourceId(t.def);
    for (let attempt = 0; name === "" || (prefix !== "" && attempt < 8); attempt++) {
      const candidate = name || generateName(prefix);
      if (!this.store.get(rid, t.namespace, candidate)) {
        name = candidate;
        break;
      }
      if (name) break;
    }
    if (name === "") throw alreadyExists(t.def, prefix);
    if (this.store.get(rid, t.namespace, name)) throw alreadyExists(t.def, name);

    const at = now();
    meta.name = name;
    meta.uid = crypto.randomUUID();
    meta.creationTimestamp = at;
    // Like kube-apiserver, only kinds with a spec (and every custom resource) track generations.
    if (t.def.crd || obj.spec !== undefined) meta.generation = 1;
    let next: KObject = obj;
    if (t.def.crd && t.def.statusSubresource) delete next.status;
    const prepared = prepareCreate(t.def, next, at, { clusterIpsInUse: () => this.clusterIpsInUse() });
    next = this.admit(t, prepared.object, name, prepared.causes);
    const stored = this.toVersion(t.def, next, t.def.storageVersion);
    if (opts.dryRun) return next;
    const [event] = this.commit([{ type: "ADDED", rid, object: stored }]);
    this.recordAdmission(event!.object, this.admissionSchema(t));
    return this.toVersion(t.def, event!.object, t.version);
  }

  // ---------------------------------------------------------------- update

  /**
   * Replaces an object (or its status), enforcing resourceVersion preconditions and server-owned fields.
   * `body` is in the request's version.
   */
  update(t: Target, name: string, body: unknown, sub: Subresource, opts: WriteOptions = {}): KObject {
    const rid = resourceId(t.def);
    const prevStored = this.store.get(rid, t.namespace, name);
    const schema = this.admissionSchema(t);
    const settled =
      prevStored && schema !== undefined && this.admittedWith.get(prevStored) === schema
        ? prevStored
        : undefined;
    const obj = this.decode(t, this.checkBody(t, body, name), opts.fieldValidation, settled);
    if (!prevStored) throw notFound(t.def, name);
    const prev = this.toVersion(t.def, prevStored, t.version);
    const prevMeta = metaOf(prev);
    const meta = metaOf(obj);
    const rv = meta.resourceVersion;
    if (rv !== undefined && rv !== "" && rv !== prevMeta.resourceVersion)
      throw conflict(t.def, name, STALE_OBJECT);
    if ((rv === undefined || rv === "") && !t.def.builtin) {
      throw invalid(t.def.group, t.def.kind, name, [
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: 0x0: must be specified for an update",
          field: "metadata.resourceVersion",
        },
      ]);
    }

    let next: KObject;
    if (sub === "status") {
      next = { ...prev };
      if (obj.status === undefined) delete next.status;
      else next.status = obj.status;
    } else {
      const owned: Record<string, unknown> = {};
      for (const k of [...SERVER_OWNED, "name", "namespace"])
        if (prevMeta[k] !== undefined) owned[k] = prevMeta[k];
      const merged: Record<string, unknown> = { ...meta };
      for (const k of SERVER_OWNED) delete merged[k];
      next = { ...obj, metadata: { ...merged, ...owned } };
      if (t.def.statusSubresource) {
        if (prev.status === undefined) delete next.status;
        else next.status = prev.status;
      }
    }
    const extra: StatusCause[] = [];
    if (prevMeta.deletionTimestamp) {
      const before = new Set(finalizersOf(prev));
      if (finalizersOf(next).some((f) => !before.has(f))) {
        extra.push(
          forbiddenCause(
            "metadata.finalizers",
            "no new finalizers can be added if the object is being deleted",
          ),
        );
      }
    }
    const prepared = prepareUpdate(t.def, prev, next, now());
    extra.push(...prepared.causes);
    next = this.admit(t, prepared.object, name, extra, prev, settled);
    if (sub === "" && prevMeta.generation !== undefined && this.specChanged(t.def, prev, next)) {
      next = { ...next, metadata: { ...metaOf(next), generation: Number(prevMeta.generation ?? 0) + 1 } };
    }
    const stored = this.toVersion(t.def, next, t.def.storageVersion);
    if (sameJson(stored, prevStored)) return prev;
    if (opts.dryRun) return next;
    const deleting = metaOf(stored).deletionTimestamp !== undefined && finalizersOf(stored).length === 0;
    const [event] = this.commit([{ type: deleting ? "DELETED" : "MODIFIED", rid, object: stored }]);
    if (!deleting) this.recordAdmission(event!.object, schema);
    return this.toVersion(t.def, event!.object, t.version);
  }

  /** Every ClusterIP a stored Service holds, for the allocator. */
  private clusterIpsInUse(): Set<string> {
    const ips = new Set<string>();
    for (const svc of this.store.list("services")) {
      const spec = svc.spec as { clusterIPs?: unknown; clusterIP?: unknown } | undefined;
      for (const ip of Array.isArray(spec?.clusterIPs) ? spec.clusterIPs : [spec?.clusterIP])
        if (typeof ip === "string") ips.add(ip);
    }
    return ips;
  }

  /** Generation counts changes to everything but metadata (and status, when it has its own endpoint). */
  private specChanged(def: ResourceDef, prev: KObject, next: KObject): boolean {
    const ignore = def.statusSubresource || def.builtin ? ["metadata", "status"] : ["metadata"];
    return !sameJson(withoutKeys(prev, ignore), withoutKeys(next, ignore));
  }

  // ---------------------------------------------------------------- delete

  /** Deletes (or marks for deletion) and answers with the object, as kube-apiserver does for these kinds. */
  delete(t: Target, name: string, opts: DeleteOptions): KObject {
    const rid = resourceId(t.def);
    const prev = this.store.get(rid, t.namespace, name);
    if (!prev) throw notFound(t.def, name);
    const meta = metaOf(prev);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== meta.uid) {
      throw conflict(
        t.def,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid)}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        t.def,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(meta.resourceVersion)}`,
      );
    }
    if (t.def.kind === "Namespace" && t.def.group === "" && PROTECTED_NAMESPACES.has(name)) {
      throw forbidden(t.def, name, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    const step = this.deletionOf(t.def, prev, opts);
    const out = (o: KObject) => this.toVersion(t.def, o, t.version);
    if (step.action === "none") return out(prev);
    if (opts.dryRun) return out(step.action === "mark" ? step.object : prev);
    if (step.action === "remove") {
      const [event] = this.commit([{ type: "DELETED", rid, object: prev }]);
      return out(event!.object);
    }
    const [event] = this.commit([{ type: "MODIFIED", rid, object: step.object }]);
    return out(event!.object);
  }

  /**
   * What deleting `prev` does: nothing new, removal at once, or marking it for deletion (deletionTimestamp)
   * so finalizers, garbage collection or the node agent can finish it.
   */
  private deletionOf(def: ResourceDef, prev: KObject, opts: DeleteOptions): DeletionStep {
    const meta = metaOf(prev);
    const finalizers = finalizersOf(prev);
    const policy = opts.propagationPolicy ?? "Background";
    if (policy === "Foreground" && !finalizers.includes("foregroundDeletion"))
      finalizers.push("foregroundDeletion");
    if (policy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
    const grace = this.gracePeriod(def, prev, opts);
    // Namespaces always pass through Terminating so their contents are removed first.
    const isNamespace = def.group === "" && def.kind === "Namespace";
    const addedFinalizer = finalizers.length !== finalizersOf(prev).length;
    if (meta.deletionTimestamp !== undefined) {
      if (finalizers.length === 0 && grace === 0 && !isNamespace) return { action: "remove" };
      return addedFinalizer
        ? { action: "mark", object: { ...prev, metadata: { ...meta, finalizers } } }
        : { action: "none" };
    }
    if (finalizers.length === 0 && grace === 0 && !isNamespace) return { action: "remove" };
    const next: KObject = {
      ...prev,
      metadata: {
        ...meta,
        deletionTimestamp: timeIn(grace),
        deletionGracePeriodSeconds: grace,
        ...(finalizers.length > 0 ? { finalizers } : {}),
      },
    };
    if (isNamespace)
      next.status = { ...(isPlainObject(prev.status) ? prev.status : {}), phase: "Terminating" };
    return { action: "mark", object: next };
  }

  /** Pods on a live node get a grace period the node agent honours; everything else goes at once. */
  private gracePeriod(def: ResourceDef, obj: KObject, opts: DeleteOptions): number {
    if (def.group !== "" || def.kind !== "Pod") return 0;
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    const status = isPlainObject(obj.status) ? obj.status : {};
    const node = typeof spec.nodeName === "string" ? spec.nodeName : "";
    if (node === "" || status.phase === "Succeeded" || status.phase === "Failed") return 0;
    if (!this.store.get("nodes", "", node)) return 0;
    const requested = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds;
    return typeof requested === "number" && requested >= 0 ? requested : 30;
  }

  /** Deletes an object on behalf of the server itself (garbage collection, namespace cleanup). */
  deleteStored(
    def: ResourceDef,
    obj: KObject,
    policy: DeleteOptions["propagationPolicy"] = "Background",
  ): void {
    const meta = metaOf(obj);
    const t: Target = { def, version: def.storageVersion, namespace: String(meta.namespace ?? "") };
    try {
      this.delete(t, String(meta.name), {
        propagationPolicy: policy,
        preconditions: { uid: String(meta.uid) },
      });
    } catch {
      // Already gone or replaced by a new object of the same name: nothing left to collect.
    }
  }

  /** Rewrites metadata of a stored object on behalf of the server (finalizer and ownerReference removal). */
  editStored(
    def: ResourceDef,
    obj: KObject,
    edit: (meta: Record<string, unknown>) => Record<string, unknown>,
  ): void {
    const meta = metaOf(obj);
    const next: KObject = { ...obj, metadata: edit({ ...meta }) };
    if (sameJson(next, obj)) return;
    const gone =
      metaOf(next).deletionTimestamp !== undefined &&
      finalizersOf(next).length === 0 &&
      !(def.group === "" && def.kind === "Namespace");
    this.commit([{ type: gone ? "DELETED" : "MODIFIED", rid: resourceId(def), object: next }]);
  }
}
