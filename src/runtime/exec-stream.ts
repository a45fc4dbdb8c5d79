import { stat } from "node:fs/promises";
import { constants } from "node:os";
import { Either } from "effect";
import { resolveConfined } from "./confine";
import type { RuntimeContext } from "./context";
import { parseExecBody } from "./exec-body";
import { describeSpawnError, exitStatus, type GroupChild, signalGroup, spawnGroup } from "./process";
import { filesError } from "./responses";

/**
 * `POST /v1/exec`: runs a command and streams NDJSON as output arrives:
 *   {"type":"start","id","pid"}  {"type":"stdout"|"stderr","data":<base64>}  {"type":"exit","exit_code",...}
 * Output is not buffered or bounded: the client's read rate paces the child (backpressure). A client
 * that disconnects kills the command's process group.
 */

const encoder = new TextEncoder();
const line = (o: Record<string, unknown>): Uint8Array => encoder.encode(`${JSON.stringify(o)}\n`);

/** After a timeout kill, how long to keep reading pipes a process outside the group may hold open. */
const PIPE_GRACE_MS = 2_000;

const streamOutput = (child: GroupChild, id: string, timeoutMs: number): ReadableStream<Uint8Array> => {
  let cancelled = false;
  let timedOut = false;
  let pulled = Promise.withResolvers<void>();
  const stopReading = new AbortController();
  let grace: Timer | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid, "SIGKILL");
    grace = setTimeout(() => stopReading.abort(), PIPE_GRACE_MS);
  }, timeoutMs);

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(line({ type: "start", id, pid: child.pid }));
        const pump = async (source: ReadableStream<Uint8Array>, type: "stdout" | "stderr") => {
          const reader = source.getReader();
          const stop = () => void reader.cancel().catch(() => undefined);
          stopReading.signal.addEventListener("abort", stop, { once: true });
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done || cancelled) return;
              controller.enqueue(line({ type, data: Buffer.from(value).toString("base64") }));
              while (!cancelled && (controller.desiredSize ?? 1) <= 0) await pulled.promise;
            }
          } catch {
            // Reading stopped after a timeout kill or a cancel; the exit line still follows.
          } finally {
            stopReading.signal.removeEventListener("abort", stop);
          }
        };
        void Promise.all([pump(child.stdout, "stdout"), pump(child.stderr, "stderr"), child.exited]).then(
          () => {
            clearTimeout(timer);
            clearTimeout(grace);
            if (cancelled) return;
            const signal = child.signalCode ? { signal: child.signalCode } : {};
            controller.enqueue(
              line({
                type: "exit",
                exit_code: exitStatus(child),
                ...signal,
                ...(timedOut ? { timed_out: true } : {}),
              }),
            );
            controller.close();
          },
        );
      },
      pull() {
        pulled.resolve();
        pulled = Promise.withResolvers<void>();
      },
      cancel() {
        cancelled = true;
        signalGroup(child.pid, "SIGKILL");
        stopReading.abort();
        pulled.resolve();
      },
    },
    { highWaterMark: 16 },
  );
};

export const execStream = async (req: Request, ctx: RuntimeContext): Promise<Response> => {
  const body: unknown = await req.json().catch(() => undefined);
  const parsed = parseExecBody(body);
  if (Either.isLeft(parsed)) return filesError("INVALID_ARGUMENT", parsed.left);
  const spec = parsed.right;
  const cwd = await resolveConfined(ctx.baseDir, spec.cwd ?? "");
  if (cwd === undefined) return filesError("PERMISSION_DENIED", "cwd escapes the sandbox root", spec.cwd);
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory())
    return filesError("INVALID_ARGUMENT", "cwd is not a directory", spec.cwd);
  let child: GroupChild;
  try {
    child = spawnGroup({
      argv: spec.argv,
      cwd,
      env: { ...process.env, ...spec.env },
      stdin: spec.stdin !== undefined || spec.stdinOpen,
    });
  } catch (error) {
    return filesError("INVALID_ARGUMENT", describeSpawnError(spec.argv[0]!, error));
  }
  const id = ctx.registry.add(child);
  if (child.stdin) {
    try {
      if (spec.stdin !== undefined) child.stdin.write(spec.stdin);
      if (!spec.stdinOpen) await child.stdin.end();
      else await child.stdin.flush();
    } catch {
      // The command exited before reading its input; its exit is reported in the stream.
    }
  }
  const timeoutMs = (spec.timeoutSeconds ?? ctx.execTimeoutMs / 1000) * 1000;
  return new Response(streamOutput(child, id, timeoutMs), {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store", "x-exec-id": id },
  });
};

const SIGNALS = new Set([
  "SIGINT",
  "SIGTERM",
  "SIGKILL",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGCONT",
  "SIGSTOP",
]);

/** `POST /v1/exec/<id>/signal` `{"signal": "SIGTERM" | 15}`: signals the command's process group. */
export const signalExec = async (req: Request, id: string, ctx: RuntimeContext): Promise<Response> => {
  const child = ctx.registry.get(id);
  if (child === undefined) return filesError("NOT_FOUND", `no running command with id '${id}'`);
  const body: unknown = await req.json().catch(() => undefined);
  const raw = (body as { signal?: unknown } | undefined)?.signal;
  const byNumber = Object.entries(constants.signals).find(([, n]) => n === raw)?.[0];
  const name = typeof raw === "string" ? raw.toUpperCase() : byNumber;
  if (name === undefined || !SIGNALS.has(name))
    return filesError("INVALID_ARGUMENT", `signal must be one of ${[...SIGNALS].join(", ")} (or its number)`);
  signalGroup(child.pid, name as NodeJS.Signals);
  return new Response(null, { status: 204 });
};

/** `POST /v1/exec/<id>/stdin[?eof=true]`: appends the body to a command started with `stdin_open`. */
export const writeExecStdin = async (req: Request, id: string, ctx: RuntimeContext): Promise<Response> => {
  const child = ctx.registry.get(id);
  if (child === undefined) return filesError("NOT_FOUND", `no running command with id '${id}'`);
  if (!child.stdin) return filesError("CONFLICT", "the command was not started with stdin_open");
  try {
    const data = new Uint8Array(await req.arrayBuffer());
    if (data.length > 0) child.stdin.write(data);
    if (new URL(req.url).searchParams.get("eof") === "true") await child.stdin.end();
    else await child.stdin.flush();
    return new Response(null, { status: 204 });
  } catch (error) {
    return filesError(
      "CONFLICT",
      `stdin is closed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};
