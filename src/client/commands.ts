// Running commands in a sandbox: `run` (the legacy `/execute`, whole output at the end) and `exec`
// (the runtime's streaming `/v1/exec`, output as it comes).
import { Effect, Option, Stream } from "effect";
import { type RequestError, SandboxRequestError } from "./errors";
import { type Route, readJson, send } from "./transport";

export interface ExecutionResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface RunOptions {
  /** Seconds before the call fails with RequestTimeout (also sent to the router). Default 60. */
  readonly timeout?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 60;

interface ExecuteBody {
  stdout?: string;
  stderr?: string;
  exit_code?: number;
}

/**
 * Runs a command line (split like POSIX shlex, no shell) in the sandbox's base directory.
 * `/execute` runs the command again if it is replayed, so this call is never retried once it may have
 * reached the sandbox.
 */
export const run = (
  route: Route,
  command: string,
  options: RunOptions = {},
): Effect.Effect<ExecutionResult, RequestError> =>
  send(route, {
    operation: "run",
    method: "POST",
    path: "execute",
    headers: { "Content-Type": "application/json" },
    body: () => JSON.stringify({ command }),
    timeoutSeconds: options.timeout ?? DEFAULT_COMMAND_TIMEOUT_SECONDS,
    replayable: false,
  }).pipe(
    Effect.flatMap((response) => readJson<ExecuteBody>("run", response)),
    Effect.map((body) => ({
      stdout: body.stdout ?? "",
      stderr: body.stderr ?? "",
      exitCode: body.exit_code ?? -1,
    })),
  );

export type ExecEvent =
  | { readonly type: "stdout"; readonly data: Uint8Array }
  | { readonly type: "stderr"; readonly data: Uint8Array }
  | { readonly type: "exit"; readonly exitCode: number };

export interface ExecOptions extends RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: string;
}

interface ExecLine {
  type?: string;
  data?: string;
  exit_code?: number;
}

const decodeLine = (line: string): ExecEvent | undefined => {
  const parsed = JSON.parse(line) as ExecLine;
  if ((parsed.type === "stdout" || parsed.type === "stderr") && typeof parsed.data === "string")
    return { type: parsed.type, data: Buffer.from(parsed.data, "base64") };
  if (parsed.type === "exit") return { type: "exit", exitCode: parsed.exit_code ?? -1 };
  return undefined; // "start" and any line a newer runtime adds
};

/**
 * Runs a command and streams its output: stdout/stderr chunks as the runtime reads them, then one `exit`.
 * `command` is an argv array, or a string split like `run`'s.
 */
export const exec = (
  route: Route,
  command: string | ReadonlyArray<string>,
  options: ExecOptions = {},
): Stream.Stream<ExecEvent, RequestError> =>
  Stream.unwrap(
    send(route, {
      operation: "exec",
      method: "POST",
      path: "v1/exec",
      headers: { "Content-Type": "application/json" },
      body: () =>
        JSON.stringify({
          command,
          ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
          ...(options.env === undefined ? {} : { env: options.env }),
          ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
          ...(options.timeout === undefined ? {} : { timeout_seconds: options.timeout }),
        }),
      timeoutSeconds: options.timeout ?? DEFAULT_COMMAND_TIMEOUT_SECONDS,
      replayable: false,
    }).pipe(
      Effect.map((response) =>
        Stream.fromReadableStream({
          evaluate: () => response.body ?? new ReadableStream<Uint8Array>(),
          onError: (cause) =>
            new SandboxRequestError({
              operation: "exec",
              status: response.status,
              body: "",
              message: `exec: output stream broke: ${cause instanceof Error ? cause.message : String(cause)}`,
            }),
        }).pipe(
          Stream.decodeText(),
          Stream.splitLines,
          Stream.filter((line) => line.length > 0),
          Stream.mapEffect((line) =>
            Effect.try({
              try: () => decodeLine(line),
              catch: () =>
                new SandboxRequestError({
                  operation: "exec",
                  status: response.status,
                  body: line,
                  message: `exec: malformed output line: ${line.slice(0, 200)}`,
                }),
            }),
          ),
          Stream.filterMap(Option.fromNullable),
        ),
      ),
    ),
  );
