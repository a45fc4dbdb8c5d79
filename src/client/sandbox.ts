// A claimed sandbox: commands, files and lifecycle, as Effects that need nothing more from the caller.
import { Duration, Effect, Ref, Schedule, type Scope, Stream } from "effect";
import { CONDITION_READY, CONDITION_SUSPENDED } from "../api/index";
import { KubeClient } from "../kube/client";
import type { KubeFailure } from "../kube/errors";
import type { KubeObject } from "../kube/object";
import { refs } from "../kube/resources";
import { acquireClaim, awaitBound, type ClaimSource, deleteClaim } from "./claim";
import type { Bound, ClaimLike, ClaimProgress } from "./claim-status";
import * as commands from "./commands";
import {
  type ConnectionConfig,
  connectionFromEnv,
  makeRouter,
  type Router,
  type SandboxLocation,
} from "./connection";
import {
  type ClaimError,
  ClaimFailed,
  type ConnectionConfigError,
  type InvalidPath,
  LifecycleTimeout,
  type RequestError,
} from "./errors";
import * as files from "./files";

/** What to claim from: a warm pool (v1beta1 claim), or a template (v1alpha1 claim, the v0.2.1 generation). */
export type ClaimOptions = ClaimSource & CommonClaimOptions;

export interface CommonClaimOptions {
  /** Default "default". */
  readonly namespace?: string;
  /** Seconds to wait for the claim to be Ready. Default 180. */
  readonly readyTimeout?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Let the controller delete the claim this many seconds from now, even if this process dies. */
  readonly shutdownAfterSeconds?: number;
  /** Default: `SANDBOX_ROUTER_URL` as a direct router URL. */
  readonly connection?: ConnectionConfig;
  readonly onProgress?: (progress: ClaimProgress) => void;
}

export interface LifecycleOptions {
  /** Seconds to wait for the new state. Default 60. */
  readonly timeout?: number;
}

type FileError = RequestError | InvalidPath;

export interface Sandbox {
  readonly claimName: string;
  readonly sandboxName: string;
  readonly namespace: string;
  /** Runs a command line (POSIX shell words, no shell) and returns its whole output. */
  readonly run: (
    command: string,
    options?: commands.RunOptions,
  ) => Effect.Effect<commands.ExecutionResult, RequestError>;
  /** Runs a command and streams output chunks, then its exit code. */
  readonly exec: (
    command: string | ReadonlyArray<string>,
    options?: commands.ExecOptions,
  ) => Stream.Stream<commands.ExecEvent, RequestError>;
  readonly files: {
    readonly write: (
      path: string,
      content: string | Uint8Array,
      options?: files.FileOptions,
    ) => Effect.Effect<void, FileError>;
    readonly read: (path: string, options?: files.FileOptions) => Effect.Effect<Uint8Array, FileError>;
    readonly list: (
      path: string,
      options?: files.FileOptions,
    ) => Effect.Effect<ReadonlyArray<files.FileEntry>, RequestError>;
    readonly exists: (path: string, options?: files.FileOptions) => Effect.Effect<boolean, RequestError>;
    readonly delete: (
      path: string,
      options?: files.FileOptions & { readonly recursive?: boolean },
    ) => Effect.Effect<void, FileError>;
  };
  /** Stops the sandbox's pod, keeping its volumes; waits until it is suspended. */
  readonly suspend: (options?: LifecycleOptions) => Effect.Effect<void, KubeFailure | LifecycleTimeout>;
  /** Starts the pod again; waits until the sandbox is Ready. */
  readonly resume: (options?: LifecycleOptions) => Effect.Effect<void, KubeFailure | LifecycleTimeout>;
  /** Deletes the claim now (the scope would do it later). Idempotent. */
  readonly terminate: () => Effect.Effect<void, KubeFailure>;
}

interface SandboxObject extends KubeObject {
  status?: {
    podIPs?: ReadonlyArray<string>;
    conditions?: ReadonlyArray<{ type?: string; status?: string }>;
  };
}

const conditionTrue = (sandbox: SandboxObject, type: string) =>
  sandbox.status?.conditions?.some((c) => c.type === type && c.status === "True") === true;

// Tolerates `{ template, warmPool: undefined }` from callers who spread optional settings.
const sourceOf = (options: ClaimOptions): ClaimSource =>
  "warmPool" in options && options.warmPool !== undefined
    ? { warmPool: options.warmPool }
    : { template: (options as { readonly template: string }).template };

/** Options of `Sandbox.attach`: an existing claim, found by name. */
export interface AttachOptions {
  readonly claimName: string;
  /** Default "default". */
  readonly namespace?: string;
  /** Seconds to wait for the claim to be Ready if it is not yet. Default 60. */
  readonly readyTimeout?: number;
  /**
   * Wait until the claim is Ready (default true). With false, a claim that is bound to a sandbox is enough,
   * which is what suspending or resuming a sandbox that is not Ready needs.
   */
  readonly waitReady?: boolean;
  /** Default: `SANDBOX_ROUTER_URL` as a direct router URL. */
  readonly connection?: ConnectionConfig;
  readonly onProgress?: (progress: ClaimProgress) => void;
}

/** Builds the operations of the sandbox a claim is bound to; `terminate` deletes the claim. */
const sandboxAt = (
  kube: typeof KubeClient.Service,
  router: Router,
  namespace: string,
  claimName: string,
  bound: Bound,
): Effect.Effect<Sandbox> =>
  Effect.gen(function* () {
    const { sandboxName } = bound;
    const location = yield* Ref.make<SandboxLocation>({ sandboxName, namespace, podIPs: bound.podIPs });
    const route = Effect.map(Ref.get(location), router);

    // Polls the Sandbox until `done` holds (200 ms apart), then records its pod IPs for routing.
    const awaitSandbox = (
      operation: "suspend" | "resume",
      done: (s: SandboxObject) => boolean,
      seconds: number,
    ) =>
      kube.get<SandboxObject>(refs.sandbox, sandboxName, { namespace }).pipe(
        Effect.repeat(Schedule.recurUntil(done).pipe(Schedule.addDelay(() => Duration.millis(200)))),
        Effect.tap((sandbox) =>
          Ref.update(location, (l) => ({ ...l, podIPs: sandbox.status?.podIPs ?? [] })),
        ),
        Effect.timeoutFail({
          duration: Duration.seconds(seconds),
          onTimeout: () =>
            new LifecycleTimeout({
              sandbox: sandboxName,
              namespace,
              operation,
              seconds,
              message: `${operation} of ${namespace}/${sandboxName} did not finish within ${seconds} s`,
            }),
        }),
        Effect.asVoid,
      );
    const setMode = (mode: "Running" | "Suspended") =>
      kube.patch(
        refs.sandbox,
        sandboxName,
        { type: "merge", body: { spec: { operatingMode: mode } } },
        { namespace },
      );

    return {
      claimName,
      sandboxName,
      namespace,
      run: (command, opts) => Effect.flatMap(route, (r) => commands.run(r, command, opts)),
      exec: (command, opts) => Stream.unwrap(Effect.map(route, (r) => commands.exec(r, command, opts))),
      files: {
        write: (path, content, opts) => Effect.flatMap(route, (r) => files.write(r, path, content, opts)),
        read: (path, opts) => Effect.flatMap(route, (r) => files.read(r, path, opts)),
        list: (path, opts) => Effect.flatMap(route, (r) => files.list(r, path, opts)),
        exists: (path, opts) => Effect.flatMap(route, (r) => files.exists(r, path, opts)),
        delete: (path, opts) => Effect.flatMap(route, (r) => files.remove(r, path, opts)),
      },
      suspend: (opts) =>
        setMode("Suspended").pipe(
          Effect.zipRight(
            awaitSandbox("suspend", (s) => conditionTrue(s, CONDITION_SUSPENDED), opts?.timeout ?? 60),
          ),
        ),
      resume: (opts) =>
        setMode("Running").pipe(
          Effect.zipRight(
            awaitSandbox(
              "resume",
              (s) => conditionTrue(s, CONDITION_READY) && (s.status?.podIPs?.length ?? 0) > 0,
              opts?.timeout ?? 60,
            ),
          ),
        ),
      terminate: () => Effect.provideService(deleteClaim(namespace, claimName), KubeClient, kube),
    } satisfies Sandbox;
  });

/**
 * Claims a sandbox for the life of the enclosing Scope: the claim is created, awaited until Ready, and
 * deleted when the scope closes (also on failure and interruption).
 *
 * @example
 * ```ts
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const sandbox = yield* Sandbox.claim({ warmPool: "python-sandbox-warmpool" });
 *     return (yield* sandbox.run("echo hi")).stdout;
 *   }),
 * ).pipe(Effect.provide(KubeClient.layerDefault()));
 * ```
 */
const claim = (
  options: ClaimOptions,
): Effect.Effect<Sandbox, ClaimError | ConnectionConfigError | KubeFailure, Scope.Scope | KubeClient> =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const source = sourceOf(options);
    const router = yield* makeRouter(options.connection ?? (yield* connectionFromEnv()));
    const namespace = options.namespace ?? "default";
    const claimed = yield* acquireClaim({
      source,
      namespace,
      readyTimeoutSeconds: options.readyTimeout ?? 180,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.podLabels ? { podLabels: options.podLabels } : {}),
      ...(options.podAnnotations ? { podAnnotations: options.podAnnotations } : {}),
      ...(options.shutdownAfterSeconds === undefined
        ? {}
        : { shutdownAfterSeconds: options.shutdownAfterSeconds }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return yield* sandboxAt(kube, router, namespace, claimed.claimName, claimed);
  });

/** The sandbox a claim is bound to right now, Ready or not. */
const boundNow = (claim: ClaimLike, namespace: string): Effect.Effect<Bound, ClaimFailed> => {
  const sandboxName = claim.status?.sandbox?.name || claim.status?.sandbox?.Name;
  const name = claim.metadata?.name ?? "";
  return sandboxName
    ? Effect.succeed({ sandboxName, podIPs: claim.status?.sandbox?.podIPs ?? [] })
    : Effect.fail(
        new ClaimFailed({
          claim: name,
          namespace,
          reason: "NotBound",
          message: `claim ${namespace}/${name} is not bound to a sandbox yet`,
        }),
      );
};

/**
 * Attaches to a claim that already exists (made by `claim`, the CLI, kubectl or another SDK): waits until
 * it is bound and Ready, then routes to its sandbox. Nothing is deleted when done; `terminate()` deletes
 * the claim explicitly.
 */
const attach = (
  options: AttachOptions,
): Effect.Effect<Sandbox, ClaimError | ConnectionConfigError | KubeFailure, KubeClient> =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const router = yield* makeRouter(options.connection ?? (yield* connectionFromEnv()));
    const namespace = options.namespace ?? "default";
    // Fails with NotFound at once rather than waiting for a claim that is not there.
    const current = yield* kube.get(refs.sandboxClaim, options.claimName, { namespace });
    const bound =
      options.waitReady === false
        ? yield* boundNow(current as ClaimLike, namespace)
        : yield* awaitBound(
            refs.sandboxClaim,
            {
              namespace,
              readyTimeoutSeconds: options.readyTimeout ?? 60,
              ...(options.onProgress ? { onProgress: options.onProgress } : {}),
            },
            options.claimName,
            undefined,
          );
    return yield* sandboxAt(kube, router, namespace, options.claimName, bound);
  });

/** The Effect face of the SDK: `Sandbox.claim` (scoped, deletes on release) and `Sandbox.attach`. */
export const Sandbox = { claim, attach } as const;
