// Cluster wiring: keeps the SandboxIndex current from watches on Sandboxes and SandboxClaims (src/kube's
// watcher: list + watch, relist on 410, reconnect, watchdog). Resolution never calls the API per request.
import { Effect, type Scope, Stream } from "effect";
import {
  type KubeClient,
  type KubeClientApi,
  type KubeObject,
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

    const onSandbox = (event: WatcherEvent<SandboxObject>) =>
      Effect.sync(() => {
        if (event._tag === "Synced") {
          index.replaceSandboxes(event.objects);
          markSynced("sandboxes");
        } else if (event._tag === "Deleted") index.deleteSandbox(event.object);
        else index.upsertSandbox(event.object);
      });
    const onClaim = (event: WatcherEvent<ClaimObject>) =>
      Effect.sync(() => {
        if (event._tag === "Synced") {
          index.replaceClaims(event.objects);
          markSynced("claims");
        } else if (event._tag === "Deleted") index.deleteClaim(event.object);
        else index.upsertClaim(event.object);
      });

    yield* watcher(typedRef<SandboxObject>(refs.sandbox), watchOptions).pipe(
      Stream.runForEach(onSandbox),
      Effect.forkScoped,
    );
    yield* watcher(typedRef<ClaimObject>(refs.sandboxClaim), watchOptions).pipe(
      Stream.runForEach(onClaim),
      Effect.forkScoped,
    );
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
