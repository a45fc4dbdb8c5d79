// Cluster wiring: keeps the SandboxIndex current from watches on Sandboxes and SandboxClaims (src/kube's
// watcher: list + watch, relist on 410, reconnect, watchdog). Resolution never calls the API per request.
import { Effect, type Scope, Stream } from "effect";
import {
  type Informer,
  type KubeClient,
  type KubeClientApi,
  type KubeObject,
  type ResourceRef,
  refs,
  typedRef,
  type WatcherEvent,
  watcher,
} from "../kube";
import type { SandboxClaimLike, SandboxIndex, SandboxLike } from "./sandboxIndex";
import type { TokenReviewClient } from "./tokenReview";
import { TokenReviewError } from "./tokenReview";

export interface IndexFeedOptions {
  /** Watch one namespace only; all namespaces when absent. */
  readonly namespace?: string;
}

type SandboxObject = KubeObject & SandboxLike;
type ClaimObject = KubeObject & SandboxClaimLike;

/** How one kind's changes reach the index. */
interface IndexHalf<T> {
  readonly replace: (objects: readonly T[]) => void;
  readonly upsert: (object: T) => void;
  readonly remove: (object: T) => void;
}

const sandboxHalf = (index: SandboxIndex): IndexHalf<SandboxObject> => ({
  replace: (objects) => index.replaceSandboxes(objects),
  upsert: (object) => index.upsertSandbox(object),
  remove: (object) => index.deleteSandbox(object),
});

const claimHalf = (index: SandboxIndex): IndexHalf<ClaimObject> => ({
  replace: (objects) => index.replaceClaims(objects),
  upsert: (object) => index.upsertClaim(object),
  remove: (object) => index.deleteClaim(object),
});

/**
 * Forks, in the current scope, one watch per kind feeding the index. The index is marked synced once both
 * initial lists are in; every later relist replaces that kind's entries wholesale, so deletions missed while
 * disconnected disappear too.
 */
export const feedSandboxIndex = (
  index: SandboxIndex,
  options: IndexFeedOptions = {},
): Effect.Effect<void, never, KubeClient | Scope.Scope> =>
  Effect.gen(function* () {
    const synced = { sandboxes: false, claims: false };
    const markSynced = (kind: keyof typeof synced) => {
      synced[kind] = true;
      if (synced.sandboxes && synced.claims) index.markSynced();
    };
    const watchOptions = options.namespace === undefined ? {} : { namespace: options.namespace };

    /** One kind's watch, applied to its half of the index. */
    const feed = <T extends KubeObject>(
      ref: ResourceRef<T>,
      kind: keyof typeof synced,
      apply: IndexHalf<T>,
    ) =>
      watcher(ref, watchOptions).pipe(
        Stream.runForEach((event: WatcherEvent<T>) =>
          Effect.sync(() => {
            if (event._tag === "Synced") {
              apply.replace(event.objects);
              markSynced(kind);
            } else if (event._tag === "Deleted") apply.remove(event.object);
            else apply.upsert(event.object);
          }),
        ),
        Effect.forkScoped,
      );

    yield* feed(typedRef<SandboxObject>(refs.sandbox), "sandboxes", sandboxHalf(index));
    yield* feed(typedRef<ClaimObject>(refs.sandboxClaim), "claims", claimHalf(index));
  });

/** Informers on every Sandbox and SandboxClaim the index should know (all namespaces, or the router's one). */
export interface IndexInformers {
  readonly sandboxes: Informer<SandboxObject>;
  readonly claims: Informer<ClaimObject>;
}

/**
 * The same index fed from informers the process already runs (local mode shares the controller's) instead
 * of watches of its own: marked synced once both have their first list, every change applied as it comes.
 */
export const feedSandboxIndexFrom = (
  index: SandboxIndex,
  informers: IndexInformers,
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const follow = <T extends KubeObject>(informer: Informer<T>, apply: IndexHalf<T>) =>
      informer.handle((changes) =>
        Effect.sync(() => {
          for (const change of changes)
            if (change._tag === "Deleted") apply.remove(change.object);
            else if (change._tag !== "Synced") apply.upsert(change.object);
        }),
      );
    // Synced first: the handlers then start with the whole first list, so the index is complete when marked.
    yield* Effect.all([informers.sandboxes.waitForSync, informers.claims.waitForSync], { discard: true });
    yield* follow(informers.sandboxes, sandboxHalf(index));
    yield* follow(informers.claims, claimHalf(index));
    index.markSynced();
  });

/** TokenReview through the router's KubeClient (its kubeconfig, TLS and in-cluster credentials). */
export const kubeTokenReviewClient = (
  client: KubeClientApi,
  audiences: readonly string[] = [],
): TokenReviewClient => ({
  review: (token) =>
    Effect.runPromise(
      client
        .create(refs.tokenReview, {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenReview",
          metadata: {},
          spec: audiences.length > 0 ? { token, audiences: [...audiences] } : { token },
        } as KubeObject)
        .pipe(
          Effect.map(
            (review) => (review as { status?: { authenticated?: boolean } }).status?.authenticated === true,
          ),
          Effect.mapError(
            (e) => new TokenReviewError({ message: `TokenReview failed: ${e._tag}: ${e.message}` }),
          ),
        ),
    ),
});
