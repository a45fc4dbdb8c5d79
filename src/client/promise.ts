// The Promise face of the SDK, for code that does not use Effect:
//   await using sandbox = await SandboxClient.create({ warmPool: "python-sandbox-warmpool" });
//   const { stdout } = await sandbox.run("echo hi");
// Errors are the same tagged error classes as the Effect face (`instanceof ClaimTimeout` works).
import { Cause, type Effect, Exit, type Layer, ManagedRuntime, Scope, Stream } from "effect";
import { KubeClient } from "../kube/client";
import type { KubeSource } from "../kube/connection";
import type { ExecEvent, ExecOptions, ExecutionResult, RunOptions } from "./commands";
import type { FileEntry, FileOptions } from "./files";
import { type AttachOptions, type ClaimOptions, type LifecycleOptions, Sandbox } from "./sandbox";

export interface CallOptions {
  /** Aborting cancels the call (and, for `create`, deletes the half-made claim). */
  readonly signal?: AbortSignal;
}

export type CreateOptions = ClaimOptions &
  CallOptions & {
    /** Kubeconfig path, a loaded KubeConfig, or direct details. Default: $KUBECONFIG, ~/.kube/config, in-cluster. */
    readonly kubeconfig?: KubeSource;
  };

/** Options of `SandboxClient.attach`. */
export type AttachSessionOptions = AttachOptions &
  CallOptions & {
    /** Kubeconfig path, a loaded KubeConfig, or direct details. Default: $KUBECONFIG, ~/.kube/config, in-cluster. */
    readonly kubeconfig?: KubeSource;
  };

type Runtime = ManagedRuntime.ManagedRuntime<KubeClient, unknown>;

const runOrThrow = async <A, E>(
  runtime: Runtime,
  effect: Effect.Effect<A, E, KubeClient>,
  signal?: AbortSignal,
) => {
  const exit = await runtime.runPromiseExit(effect, signal ? { signal } : undefined);
  if (Exit.isSuccess(exit)) return exit.value;
  // Rethrow the error itself rather than a FiberFailure, so callers can match on its class.
  throw Cause.squash(exit.cause);
};

// Claims still held when the process gets SIGINT/SIGTERM, by open sessions or by creates still waiting
// for Ready, are deleted before it exits: an agent stopped with Ctrl-C leaves nothing behind.
const cleanups = new Set<() => Promise<void>>();
const cleanUpAndExit = (signal: NodeJS.Signals) => {
  void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() =>
    process.exit(signal === "SIGINT" ? 130 : 143),
  );
};
/** Runs `cleanup` on SIGINT/SIGTERM until the returned function is called. */
const holdUntilReleased = (cleanup: () => Promise<void>): (() => void) => {
  if (cleanups.size === 0) {
    process.once("SIGINT", cleanUpAndExit);
    process.once("SIGTERM", cleanUpAndExit);
  }
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    process.off("SIGINT", cleanUpAndExit);
    process.off("SIGTERM", cleanUpAndExit);
  };
};

/** A claimed sandbox; close it (or let `await using` do it) to delete the claim. */
export class SandboxSession implements AsyncDisposable {
  readonly claimName: string;
  readonly sandboxName: string;
  readonly namespace: string;
  readonly files: {
    readonly write: (
      path: string,
      content: string | Uint8Array,
      options?: FileOptions & CallOptions,
    ) => Promise<void>;
    readonly read: (path: string, options?: FileOptions & CallOptions) => Promise<Uint8Array>;
    readonly readText: (path: string, options?: FileOptions & CallOptions) => Promise<string>;
    readonly list: (path: string, options?: FileOptions & CallOptions) => Promise<ReadonlyArray<FileEntry>>;
    readonly exists: (path: string, options?: FileOptions & CallOptions) => Promise<boolean>;
    readonly delete: (
      path: string,
      options?: FileOptions & CallOptions & { recursive?: boolean },
    ) => Promise<void>;
  };
  #closed: Promise<void> | undefined;

  #release: () => void = () => {};

  private constructor(
    private readonly sandbox: Sandbox,
    private readonly scope: Scope.CloseableScope,
    private readonly runtime: Runtime,
  ) {
    this.claimName = sandbox.claimName;
    this.sandboxName = sandbox.sandboxName;
    this.namespace = sandbox.namespace;
    const call = <A, E>(effect: Effect.Effect<A, E>, options?: CallOptions) =>
      runOrThrow(runtime, effect, options?.signal);
    this.files = {
      write: (path, content, o) => call(sandbox.files.write(path, content, o), o),
      read: (path, o) => call(sandbox.files.read(path, o), o),
      readText: async (path, o) => new TextDecoder().decode(await call(sandbox.files.read(path, o), o)),
      list: (path, o) => call(sandbox.files.list(path, o), o),
      exists: (path, o) => call(sandbox.files.exists(path, o), o),
      delete: (path, o) => call(sandbox.files.delete(path, o), o),
    };
  }

  /** Claims a sandbox and waits until it is Ready; closing the session deletes the claim. */
  static create(options: CreateOptions): Promise<SandboxSession> {
    return SandboxSession.open(options, Sandbox.claim(options));
  }

  /** Attaches to an existing claim; closing the session leaves the claim (use `terminate()` to delete it). */
  static attach(options: AttachSessionOptions): Promise<SandboxSession> {
    return SandboxSession.open(options, Sandbox.attach(options));
  }

  private static async open(
    options: CallOptions & { readonly kubeconfig?: KubeSource },
    acquire: Effect.Effect<Sandbox, unknown, KubeClient | Scope.Scope>,
  ): Promise<SandboxSession> {
    const layer: Layer.Layer<KubeClient, unknown> = options.kubeconfig
      ? KubeClient.layer(options.kubeconfig)
      : KubeClient.layerDefault();
    const runtime: Runtime = ManagedRuntime.make(layer);
    const scope = await runtime.runPromise(Scope.make());
    // Aborted by the caller's signal, or by SIGINT/SIGTERM while waiting (which then deletes the claim).
    const abort = new AbortController();
    if (options.signal?.aborted) abort.abort();
    options.signal?.addEventListener("abort", () => abort.abort(), { once: true });
    const opening = (async () => {
      try {
        const sandbox = await runOrThrow(runtime, Scope.extend(acquire, scope), abort.signal);
        return new SandboxSession(sandbox, scope, runtime);
      } catch (error) {
        await runtime.runPromise(Scope.close(scope, Exit.void));
        await runtime.dispose();
        throw error;
      }
    })();
    const release = holdUntilReleased(async () => {
      abort.abort();
      await opening.then(
        (session) => session.close(),
        () => {},
      );
    });
    try {
      const session = await opening;
      session.#release = release;
      return session;
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Runs a command line (split like POSIX shlex, no shell) and resolves with its whole output and exit
   * code. A non-zero exit code is a result, not an error. Never retried once it may have reached the sandbox.
   */
  run(command: string, options?: RunOptions & CallOptions): Promise<ExecutionResult> {
    return runOrThrow(this.runtime, this.sandbox.run(command, options), options?.signal);
  }

  /** Output chunks as they come, then `{ type: "exit", exitCode }`. Breaking out of the loop cancels the command. */
  async *exec(command: string | ReadonlyArray<string>, options?: ExecOptions): AsyncIterable<ExecEvent> {
    const runtime = await this.runtime.runtime();
    yield* Stream.toAsyncIterableRuntime(this.sandbox.exec(command, options), runtime);
  }

  /** Stops the sandbox's pod, keeping its volumes; resolves once it is suspended. */
  suspend(options?: LifecycleOptions & CallOptions): Promise<void> {
    return runOrThrow(this.runtime, this.sandbox.suspend(options), options?.signal);
  }

  /** Starts the pod again; resolves once the sandbox is Ready (routing follows its new pod IP). */
  resume(options?: LifecycleOptions & CallOptions): Promise<void> {
    return runOrThrow(this.runtime, this.sandbox.resume(options), options?.signal);
  }

  /** Deletes the claim now; the session is closed too. */
  async terminate(): Promise<void> {
    await runOrThrow(this.runtime, this.sandbox.terminate());
    await this.close();
  }

  /** Deletes the claim (if this session created it) and releases local resources. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#release();
      await this.runtime.runPromise(Scope.close(this.scope, Exit.void));
      await this.runtime.dispose();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Entry point of the Promise face.
 *
 * @example
 * ```ts
 * await using sandbox = await SandboxClient.create({ warmPool: "python-sandbox-warmpool" });
 * console.log((await sandbox.run("echo 'Hello from Local!'")).stdout);
 * ```
 */
export const SandboxClient = {
  create: (options: CreateOptions): Promise<SandboxSession> => SandboxSession.create(options),
  attach: (options: AttachSessionOptions): Promise<SandboxSession> => SandboxSession.attach(options),
} as const;
