// The controller's CacheView: one informer per kind, label-indexed, shared by every reconciler.
import { Effect, type Scope } from "effect";
import { LABEL_SANDBOX_NAME_HASH, LABEL_WARM_POOL_SANDBOX } from "../api";
import { type Informer, type KubeClient, type KubeObject, makeInformer } from "../kube";
import { refFor } from "./apply";
import type { ChildKind } from "./common/actions";
import type { CacheView, KindTypes } from "./common/view";
import type { WaitingClaims } from "./waiting";

export type Informers = { readonly [K in ChildKind]: Informer<KubeObject> };

const KINDS = Object.keys(refFor) as ChildKind[];

/**
 * Only the labels the reconcilers look objects up by are indexed (memory stays flat with many objects). An
 * informer the caller shares with the controller must index these.
 */
export const CONTROLLER_INDEXED_LABELS: ReadonlyArray<string> = [
  LABEL_SANDBOX_NAME_HASH,
  LABEL_WARM_POOL_SANDBOX,
];

/** Informer options for an informer shared with the controller (`ControllerOptions.informers`). */
export const SHARED_WITH_CONTROLLER = { indexedLabels: CONTROLLER_INDEXED_LABELS };

/**
 * Kinds a `--cache-label-selectors` controller watches only with the tracking label: the Pods and Services
 * it creates all carry it, so on a busy cluster the caches hold O(sandboxes) rather than O(cluster).
 */
const TRACKED: ReadonlySet<ChildKind> = new Set(["Pod", "Service"]);

export const makeInformers = (options: {
  namespace?: string;
  /** Watch Pods and Services carrying the tracking label only (pre-made adoptable ones must carry it too). */
  trackedOnly?: boolean;
  /** Informers the caller already runs, used instead of new ones: see `ControllerOptions.informers`. */
  shared?: Partial<Informers>;
}): Effect.Effect<Informers, never, KubeClient | Scope.Scope> =>
  Effect.gen(function* () {
    const entries = yield* Effect.forEach(KINDS, (kind) => {
      const shared = options.shared?.[kind];
      const informer =
        shared !== undefined
          ? Effect.succeed(shared)
          : makeInformer(refFor[kind], {
              ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
              ...(options.trackedOnly && TRACKED.has(kind) ? { labelSelector: LABEL_SANDBOX_NAME_HASH } : {}),
              indexedLabels: CONTROLLER_INDEXED_LABELS,
            });
      return informer.pipe(Effect.map((i) => [kind, i] as const));
    });
    return Object.fromEntries(entries) as unknown as Informers;
  });

export const waitForSync = (informers: Informers): Effect.Effect<void> =>
  Effect.forEach(Object.values(informers), (i) => i.waitForSync, { discard: true, concurrency: "unbounded" });

/**
 * Objects come from the API server as JSON in the v1beta1 shape; the view hands them out typed, unchanged.
 * Waiting claims come from the index the manager keeps up to date from claim events.
 */
export const informerView = (informers: Informers, waiting: WaitingClaims): CacheView => ({
  hasWaitingClaims: (namespace, pool) => waiting.has(namespace, pool),
  get: <K extends ChildKind>(kind: K, namespace: string, name: string) =>
    informers[kind].get(name, namespace) as KindTypes[K] | undefined,
  list: <K extends ChildKind>(
    kind: K,
    namespace: string,
    label?: { readonly key: string; readonly value: string },
  ) => {
    const informer = informers[kind];
    const objects =
      label === undefined ? informer.list(namespace) : informer.byLabel(label.key, label.value, namespace);
    return objects as unknown as ReadonlyArray<KindTypes[K]>;
  },
});
