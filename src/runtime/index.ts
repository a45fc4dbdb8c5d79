import { mkdir } from "node:fs/promises";
import { Effect } from "effect";
import { realBase } from "./confine";
import type { RuntimeContext } from "./context";
import { ChildRegistry } from "./registry";
import { json } from "./responses";
import { route } from "./server";

export interface RuntimeOptions {
  /** Address to listen on; the node agent passes the pod IP. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Commands run here and every file path is confined to it; created if missing. */
  readonly baseDir: string;
  /** Default limit for `/execute` and `/v1/exec` (upstream: `SANDBOX_EXEC_TIMEOUT_SECONDS`, 300). */
  readonly execTimeoutSeconds?: number;
  /** Per stream, for `/execute` output (default 10 MiB); the rest is dropped and `truncated` set. */
  readonly maxOutputBytes?: number;
}

export interface RuntimeHandle {
  readonly url: string;
  readonly port: number;
  /** The real path of the base directory. */
  readonly baseDir: string;
  /** Stops listening and kills every command still running. */
  stop(): Promise<void>;
}

export const DEFAULT_EXEC_TIMEOUT_SECONDS = 300;
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

export const startRuntime = async (options: RuntimeOptions): Promise<RuntimeHandle> => {
  await mkdir(options.baseDir, { recursive: true });
  const baseDir = await realBase(options.baseDir);
  const registry = new ChildRegistry();
  let stopping = false;
  const ctx: RuntimeContext = {
    baseDir,
    execTimeoutMs: (options.execTimeoutSeconds ?? DEFAULT_EXEC_TIMEOUT_SECONDS) * 1000,
    maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    registry,
    startedAt: Date.now(),
    shuttingDown: () => stopping,
  };
  const server = Bun.serve({
    hostname: options.host,
    port: options.port,
    // Commands may run for the whole exec timeout before answering.
    idleTimeout: 0,
    fetch: (req) => route(req, ctx),
    error: (error) => json({ detail: `Internal Server Error: ${error.message}` }, 500),
  });
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${server.port}`,
    port: server.port ?? options.port,
    baseDir,
    stop: async () => {
      stopping = true;
      registry.killAll();
      await server.stop(true);
    },
  };
};

/** The runtime as a scoped resource: stopped (and its commands killed) when the scope closes. */
export const runtimeScoped = (options: RuntimeOptions) =>
  Effect.acquireRelease(
    Effect.tryPromise(() => startRuntime(options)),
    (handle) => Effect.promise(() => handle.stop()),
  );
