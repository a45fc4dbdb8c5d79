// The life of one SandboxClaim: create it as the Python SDK does, wait on it until it is bound and Ready
// (watching from the create's resourceVersion, re-reading after every stream end or 410), delete it. Waiting
// and deleting ride out an API server that cannot be reached for a while (a restart): both are what the
// caller's claim depends on, and a wait that failed there would also leave its claim behind.
import { randomBytes } from "node:crypto";
import { Duration, Effect, Option, Stream } from "effect";
import {
  ANNOTATION_CLIENT_FIRST_REQUESTED_AT,
  EXTENSIONS_GROUP,
  LABEL_CREATED_BY,
  V1ALPHA1,
  V1BETA1,
} from "../api/index";
import { KubeClient } from "../kube/client";
import { isTransient, type KubeFailure } from "../kube/errors";
import type { KubeObject } from "../kube/object";
import { type ResourceRef, refs } from "../kube/resources";
import { retryUntilReachable } from "../kube/retry";
import { type Bound, type ClaimLike, type ClaimProgress, claimProgress } from "./claim-status";
import { type ClaimError, ClaimFailed, ClaimTimeout } from "./errors";

/** What to claim from: a warm pool (v1beta1, current) or a template (v1alpha1, the v0.2.1 generation). */
export type ClaimSource = { readonly warmPool: string } | { readonly template: string };

export interface ClaimSpec {
  readonly source: ClaimSource;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Claim expiry (lifecycle.shutdownTime with policy Delete), seconds from now. v1beta1 only. */
  readonly shutdownAfterSeconds?: number;
  readonly readyTimeoutSeconds: number;
  /** Told about every status the claim passes through while waiting (the CLI shows it). */
  readonly onProgress?: (progress: ClaimProgress) => void;
}

/** Our SDK's `created-by` value; the controller normalises unknown creators to `unknown` for metrics. */
export const CREATED_BY_TS_CLIENT = "ts-client";

export const claimRefFor = (source: ClaimSource) =>
  "warmPool" in source ? refs.sandboxClaim : refs.v1alpha1.sandboxClaim;

const newClaimName = (): string => `sandbox-claim-${randomBytes(4).toString("hex")}`;

const shutdownTime = (seconds: number): string =>
  new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

export const claimBody = (name: string, spec: ClaimSpec): ClaimLike & Record<string, unknown> => {
  const podMetadata =
    spec.podLabels || spec.podAnnotations
      ? {
          additionalPodMetadata: {
            ...(spec.podLabels ? { labels: spec.podLabels } : {}),
            ...(spec.podAnnotations ? { annotations: spec.podAnnotations } : {}),
          },
        }
      : {};
  const metadata = {
    name,
    namespace: spec.namespace,
    annotations: { [ANNOTATION_CLIENT_FIRST_REQUESTED_AT]: new Date().toISOString() },
    labels: { ...spec.labels, [LABEL_CREATED_BY]: CREATED_BY_TS_CLIENT },
  };
  if ("template" in spec.source)
    return {
      apiVersion: `${EXTENSIONS_GROUP}/${V1ALPHA1}`,
      kind: "SandboxClaim",
      metadata,
      spec: { sandboxTemplateRef: { name: spec.source.template }, ...podMetadata },
    };
  return {
    apiVersion: `${EXTENSIONS_GROUP}/${V1BETA1}`,
    kind: "SandboxClaim",
    metadata,
    spec: {
      warmPoolRef: { name: spec.source.warmPool },
      ...(spec.shutdownAfterSeconds === undefined
        ? {}
        : { lifecycle: { shutdownTime: shutdownTime(spec.shutdownAfterSeconds), shutdownPolicy: "Delete" } }),
      ...podMetadata,
    },
  };
};

/**
 * How long a deletion tries again while the API server cannot be reached: a claim left behind holds its
 * sandbox until someone deletes it (or its shutdownTime passes), so it is worth a wait on the way out.
 */
const DELETE_RETRY_FOR = Duration.seconds(30);

/** Deletes a claim; one that is already gone is fine. GC removes its Sandbox and Pod. */
export const deleteClaim = (namespace: string, name: string) =>
  Effect.flatMap(KubeClient, (kube) =>
    // The served v1beta1 version reaches claims of either generation.
    kube.delete(refs.sandboxClaim, name, { namespace }).pipe(
      Effect.asVoid,
      Effect.catchTag("NotFound", () => Effect.void),
      retryUntilReachable(DELETE_RETRY_FOR),
    ),
  );

/** The progress a wait reports while it cannot reach the API server. */
const unreachable = (e: KubeFailure): ClaimProgress => ({
  _tag: "Waiting",
  reason: "APIServerUnreachable",
  message: `${e.message}; trying again`,
});

type Step = Option.Option<Bound>;
type ClaimObject = KubeObject & ClaimLike;

/** What waiting on a claim needs to know. */
export type WaitSpec = Pick<ClaimSpec, "namespace" | "readyTimeoutSeconds" | "onProgress">;

/**
 * Waits until the claim is bound and Ready, or fails with its terminal reason. Watches from
 * `fromVersion` (the create's resourceVersion), or from now with the current state first when absent.
 */
export const awaitBound = (
  ref: ResourceRef<KubeObject>,
  spec: WaitSpec,
  name: string,
  fromVersion: string | undefined,
) =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const judge = (claim: ClaimLike): Effect.Effect<Step, ClaimError> => {
      const progress = claimProgress(claim, spec.namespace);
      spec.onProgress?.(progress);
      switch (progress._tag) {
        case "Bound":
          return Effect.succeed(Option.some(progress.bound));
        case "Failed":
          return Effect.fail(progress.error);
        case "Waiting":
          return Effect.succeed(Option.none());
      }
    };
    const deleted = new ClaimFailed({
      claim: name,
      namespace: spec.namespace,
      reason: "ClaimDeleted",
      message: `claim ${spec.namespace}/${name} was deleted while waiting for it`,
    });
    // One watch from `fromVersion`; None when the stream ended (server timeout, 410) without a verdict.
    const watchOnce = (fromVersion: string | undefined): Effect.Effect<Step, ClaimError | KubeFailure> =>
      kube
        .watch<ClaimObject>(ref as ResourceRef<ClaimObject>, {
          namespace: spec.namespace,
          fieldSelector: `metadata.name=${name}`,
          ...(fromVersion ? { resourceVersion: fromVersion } : {}),
          timeoutSeconds: 60,
        })
        .pipe(
          Stream.takeUntil((event) => event.type === "ERROR"),
          Stream.mapEffect((event): Effect.Effect<Step, ClaimError> => {
            if (event.type === "DELETED") return Effect.fail(deleted);
            if (event.type === "ADDED" || event.type === "MODIFIED") return judge(event.object as ClaimLike);
            return Effect.succeed(Option.none());
          }),
          Stream.filter(Option.isSome),
          Stream.runHead,
          Effect.map(Option.flatten),
          Effect.catchTag("Gone", () => Effect.succeed(Option.none())),
        );
    /** What one round of waiting found: the claim bound and Ready, or where to watch from next. */
    type Round = { readonly bound: Bound } | { readonly from: string | undefined };
    /** A watch from `from`, then (when it ended without a verdict) a fresh read. */
    const round = (from: string | undefined): Effect.Effect<Round, ClaimError | KubeFailure> =>
      Effect.gen(function* () {
        const verdict = yield* watchOnce(from);
        if (Option.isSome(verdict)) return { bound: verdict.value };
        // The stream ended without a verdict: read the claim afresh (nothing missed), then watch from there.
        const current = yield* kube
          .get<ClaimObject>(ref as ResourceRef<ClaimObject>, name, { namespace: spec.namespace })
          .pipe(Effect.catchTag("NotFound", () => Effect.fail(deleted)));
        const now = yield* judge(current);
        return Option.isSome(now) ? { bound: now.value } : { from: current.metadata?.resourceVersion };
      });
    let version = fromVersion;
    for (;;) {
      // Bounded by the ready timeout below; the caller hears why the wait goes on.
      const next = yield* round(version).pipe(
        Effect.tapError((e) =>
          isTransient(e) ? Effect.sync(() => spec.onProgress?.(unreachable(e))) : Effect.void,
        ),
        retryUntilReachable(),
      );
      if ("bound" in next) return next.bound;
      version = next.from;
    }
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.seconds(spec.readyTimeoutSeconds),
      onTimeout: () =>
        new ClaimTimeout({
          claim: name,
          namespace: spec.namespace,
          seconds: spec.readyTimeoutSeconds,
          message: `claim ${spec.namespace}/${name} was not Ready within ${spec.readyTimeoutSeconds} s`,
        }),
    }),
  );

export interface ClaimedSandbox extends Bound {
  readonly claimName: string;
  readonly namespace: string;
  readonly source: ClaimSource;
}

/**
 * Creates a claim, waits until it is bound and Ready, and deletes it when the scope closes — also when
 * waiting fails or is interrupted, so a failed or abandoned claim never lingers.
 */
export const acquireClaim = (spec: ClaimSpec) =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const name = newClaimName();
    const created = yield* Effect.acquireRelease(
      kube.create(claimRefFor(spec.source), claimBody(name, spec), { namespace: spec.namespace }),
      () => deleteClaim(spec.namespace, name).pipe(Effect.provideService(KubeClient, kube), Effect.ignore),
    );
    const bound = yield* awaitBound(claimRefFor(spec.source), spec, name, created.metadata?.resourceVersion);
    return {
      ...bound,
      claimName: name,
      namespace: spec.namespace,
      source: spec.source,
    } satisfies ClaimedSandbox;
  });
