// Applies a plan's actions through the KubeClient, in order, stopping at the first failure that is not
// expected. Creates of many objects go in slow-start batches (1, 2, 4, ...), so a broken template costs one
// failed call rather than a storm of them.
import { Data, Effect } from "effect";
import {
  type EventRecorder,
  KubeClient,
  type KubeFailure,
  type KubeObject,
  type ResourceRef,
  refs,
} from "../kube";
import type { Action, ChildKind, Plan } from "./common/actions";
import type { WrittenVersion } from "./freshness";
import type { WriteOutcome } from "./step";
import { slowStartBatches } from "./warmpool/plan";

export const refFor: Record<ChildKind, ResourceRef> = {
  Sandbox: refs.sandbox,
  SandboxClaim: refs.sandboxClaim,
  SandboxWarmPool: refs.sandboxWarmPool,
  SandboxTemplate: refs.sandboxTemplate,
  Pod: refs.pod,
  Service: refs.service,
  PersistentVolumeClaim: refs.persistentVolumeClaim,
  NetworkPolicy: refs.networkPolicy,
};

/** A plan's logical failure (reported in status by the planner); retried with the key's backoff. */
export class ReconcileFailed extends Data.TaggedError("ReconcileFailed")<{ readonly message: string }> {}

export interface ApplyResult extends WriteOutcome {
  /** Set when the plan asks for another pass (or a tolerated write failure does). */
  readonly requeueAfterMs?: number;
}

/** The cache is behind the API server: look again soon rather than back off. */
const CACHE_LAG_REQUEUE_MS = 200;
/**
 * An optimistic write lost a race (another claim took the sandbox, the object moved on): routine under
 * contention, not an error. The winner's update event usually brings the key back before this fires.
 */
const CONFLICT_REQUEUE_MS = 20;
/** `run`'s answer for "stop here, nothing to retry" (a RequireLive guard found its object gone). */
const QUIET_STOP = -1;

export interface Written {
  readonly created: string[];
  readonly deleted: string[];
  /** The resourceVersion each successful create or patch left its object at. */
  readonly versions?: WrittenVersion[];
}

/**
 * Names created, UIDs deleted and versions written are collected in `written` as they happen, so a failed
 * plan still reports them.
 */
export const applyPlan = (
  plan: Plan,
  recorder: EventRecorder,
  maxBatch: number,
  written: Written = { created: [], deleted: [] },
): Effect.Effect<ApplyResult, KubeFailure | ReconcileFailed, KubeClient> =>
  Effect.gen(function* () {
    const client = yield* KubeClient;
    const { created, deleted } = written;
    const outcome = (requeueAfterMs?: number): ApplyResult => ({
      created,
      deleted,
      ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
    });
    /** The version each object this plan wrote was left at ("kind/namespace/name" -> resourceVersion). */
    const versionOf = new Map<string, string>();
    const objectKey = (k: { kind: ChildKind; namespace: string; name: string }) =>
      `${k.kind}/${k.namespace}/${k.name}`;
    const wrote = (kind: ChildKind, isNew: boolean) => (o: KubeObject) =>
      Effect.sync(() => {
        const key = { kind, namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" };
        const resourceVersion = o.metadata?.resourceVersion ?? "";
        versionOf.set(objectKey(key), resourceVersion);
        written.versions?.push({ ...key, resourceVersion, created: isNew });
      });
    const create = (kind: ChildKind, object: object) =>
      client.create(refFor[kind], object as KubeObject).pipe(
        Effect.tap((o) => Effect.sync(() => created.push(o.metadata?.name ?? ""))),
        Effect.tap(wrote(kind, true)),
      );

    for (const action of plan.actions) {
      const stop = yield* run(action).pipe(
        Effect.catchTag("Conflict", () => Effect.succeed(CONFLICT_REQUEUE_MS)),
      );
      if (stop === QUIET_STOP) return outcome();
      if (stop !== undefined) return outcome(stop);
    }
    if (plan.failure !== undefined) return yield* new ReconcileFailed({ message: plan.failure });
    return outcome(plan.requeueAfterMs);

    /** Runs one action; a number means "stop here and requeue after this many ms" (QUIET_STOP: no requeue). */
    function run(action: Action): Effect.Effect<number | undefined, KubeFailure, never> {
      switch (action._tag) {
        case "RequireLive":
          return client
            .get(refFor[action.key.kind], action.key.name, { namespace: action.key.namespace })
            .pipe(
              Effect.map((o) =>
                o.metadata?.uid === action.uid && o.metadata?.deletionTimestamp === undefined
                  ? undefined
                  : QUIET_STOP,
              ),
              Effect.catchTag("NotFound", () => Effect.succeed(QUIET_STOP)),
            );
        case "Create":
          return create(action.kind, action.object).pipe(
            Effect.as(undefined),
            Effect.catchTag("AlreadyExists", (e) =>
              action.onAlreadyExists === "requeue" ? Effect.succeed(CACHE_LAG_REQUEUE_MS) : Effect.fail(e),
            ),
          );
        case "CreateBatch":
          return Effect.gen(function* () {
            let offset = 0;
            for (const size of slowStartBatches(action.objects.length, maxBatch)) {
              const batch = action.objects.slice(offset, offset + size);
              offset += size;
              yield* Effect.all(
                batch.map((o) => create(action.kind, o)),
                { concurrency: "unbounded", discard: true },
              );
            }
            return undefined;
          });
        case "Patch":
          return client
            .patch(
              refFor[action.key.kind],
              action.key.name,
              { type: "merge", body: action.patch as Record<string, unknown> },
              {
                namespace: action.key.namespace,
                ...(action.resourceVersion !== undefined ? { resourceVersion: action.resourceVersion } : {}),
              },
            )
            .pipe(
              Effect.tap(wrote(action.key.kind, false)),
              Effect.as(undefined),
              // Gone since the cache saw it: not an error to back off from; the plan stops here.
              Effect.catchTag("NotFound", () => Effect.succeed(CACHE_LAG_REQUEUE_MS)),
            );
        case "PatchStatus": {
          const resourceVersion =
            (action.afterOwnPatch ? versionOf.get(objectKey(action.key)) : undefined) ??
            action.resourceVersion;
          return client
            .patchStatus(
              refFor[action.key.kind],
              action.key.name,
              { type: "merge", body: { status: action.status } },
              {
                namespace: action.key.namespace,
                ...(resourceVersion !== undefined ? { resourceVersion } : {}),
              },
            )
            .pipe(
              Effect.tap(wrote(action.key.kind, false)),
              Effect.as(undefined),
              // Written from a stale view: drop it; the newer object's event brings the key back.
              Effect.catchTag("Conflict", () => Effect.succeed(CACHE_LAG_REQUEUE_MS)),
              Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
            );
        }
        case "Delete": {
          const preconditions = {
            ...(action.uid !== undefined ? { uid: action.uid } : {}),
            ...(action.resourceVersion !== undefined ? { resourceVersion: action.resourceVersion } : {}),
          };
          return client
            .delete(refFor[action.key.kind], action.key.name, {
              namespace: action.key.namespace,
              ...(Object.keys(preconditions).length > 0 ? { preconditions } : {}),
              ...(action.propagation !== undefined ? { propagationPolicy: action.propagation } : {}),
            })
            .pipe(
              Effect.tap(() => Effect.sync(() => action.uid !== undefined && deleted.push(action.uid))),
              Effect.as(undefined),
              Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
            );
        }
        case "Event":
          return recorder
            .record(
              {
                apiVersion:
                  `${refFor[action.regarding.kind].group}/${refFor[action.regarding.kind].version}`.replace(
                    /^\//,
                    "",
                  ),
                kind: action.regarding.kind,
                metadata: {
                  name: action.regarding.name,
                  namespace: action.regarding.namespace,
                  uid: action.regarding.uid,
                },
              },
              action.type,
              action.reason,
              action.message,
            )
            .pipe(Effect.as(undefined));
      }
    }
  });
