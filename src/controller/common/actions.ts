// What a planner asks for, as data. Reconcilers apply a plan's actions in order and stop at the first failure
// that is not tolerated; the work queue then retries the key with backoff. Nothing here performs I/O.

export type ChildKind =
  | "Sandbox"
  | "SandboxClaim"
  | "SandboxWarmPool"
  | "SandboxTemplate"
  | "Pod"
  | "Service"
  | "PersistentVolumeClaim"
  | "NetworkPolicy";

export interface ObjectKey {
  readonly kind: ChildKind;
  readonly namespace: string;
  readonly name: string;
}

/** A JSON object as sent to the API server (a full manifest or an RFC 7386 merge patch, where null deletes). */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json };
export type JsonObject = { readonly [k: string]: Json };

export type Action =
  /** Create an object. `onAlreadyExists: "requeue"` means a lagging cache: retry soon instead of failing. */
  | {
      readonly _tag: "Create";
      readonly kind: ChildKind;
      readonly object: JsonObject;
      readonly onAlreadyExists: "fail" | "requeue";
    }
  /** Create copies of one object (generateName) in slow-start batches: 1, 2, 4, ... capped at maxBatch. */
  | { readonly _tag: "CreateBatch"; readonly kind: ChildKind; readonly objects: ReadonlyArray<JsonObject> }
  /** Merge patch. With `resourceVersion` set the write is optimistic: a stale view fails with Conflict. */
  | {
      readonly _tag: "Patch";
      readonly key: ObjectKey;
      readonly patch: JsonObject;
      readonly resourceVersion?: string;
    }
  /** Merge patch on the status subresource; a Conflict under an optimistic lock is dropped and requeued. */
  | {
      readonly _tag: "PatchStatus";
      readonly key: ObjectKey;
      readonly status: JsonObject;
      readonly resourceVersion?: string;
      /**
       * Lock on the version this plan's own earlier Patch of the object left, when it made one (known only
       * once that write ran): metadata and status go out in one pass, each under the object's lock.
       */
      readonly afterOwnPatch?: boolean;
    }
  /** Delete, tolerating NotFound. Preconditions make deletes of shared objects safe under a stale cache. */
  | {
      readonly _tag: "Delete";
      readonly key: ObjectKey;
      readonly uid?: string;
      readonly resourceVersion?: string;
      readonly propagation?: "Background" | "Foreground";
    }
  /**
   * Stop the plan quietly (no error, no requeue) unless this object still exists with this UID and is not
   * being deleted, read live from the API server rather than the cache. Guards writes made on behalf of an
   * owner that a lagging cache may still show after it was deleted.
   */
  | { readonly _tag: "RequireLive"; readonly key: ObjectKey; readonly uid: string }
  | {
      readonly _tag: "Event";
      readonly regarding: ObjectKey & { readonly uid: string };
      readonly type: "Normal" | "Warning";
      readonly reason: string;
      readonly message: string;
    };

export interface Plan {
  readonly actions: ReadonlyArray<Action>;
  /** Reconcile the key again after this many milliseconds (even when every action succeeded). */
  readonly requeueAfterMs?: number;
  /** The reconcile could not finish (reported in status); the key is retried with per-key backoff. */
  readonly failure?: string;
}

export const emptyPlan: Plan = { actions: [] };
