import { Either } from "effect";
import { splitCommand } from "./shlex";

/** A validated `POST /v1/exec` request. */
export interface ExecRequest {
  readonly argv: readonly string[];
  /** Relative to the base directory (confined); the base directory when absent. */
  readonly cwd?: string;
  /** Added to (and overriding) the runtime's own environment. */
  readonly env?: Record<string, string>;
  /** Written to the command's stdin, which is then closed unless `stdinOpen`. */
  readonly stdin?: string;
  /** Keep stdin open for `POST /v1/exec/<id>/stdin`. */
  readonly stdinOpen: boolean;
  readonly timeoutSeconds?: number;
}

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

const ENV_NAME = /^[^=\0]+$/;

/**
 * Validates a `/v1/exec` body. `command` is an argv array, or a string split like `/execute`
 * (no shell: pass `["sh", "-c", "..."]` for one). Errors are one human-readable line.
 */
export const parseExecBody = (body: unknown): Either.Either<ExecRequest, string> => {
  if (!isObject(body)) return Either.left("body must be a JSON object");
  const { command, cwd, env, stdin, stdin_open: stdinOpen, timeout_seconds: timeout } = body;
  let argv: readonly string[];
  if (typeof command === "string") {
    const split = splitCommand(command);
    if (Either.isLeft(split)) return Either.left(`command: ${split.left.message}`);
    argv = split.right;
  } else if (Array.isArray(command) && command.every((a) => typeof a === "string")) argv = command;
  else return Either.left("command must be a string or an array of strings");
  if (argv.length === 0 || argv[0] === "") return Either.left("command is empty");
  if (cwd !== undefined && typeof cwd !== "string") return Either.left("cwd must be a string");
  if (
    env !== undefined &&
    !(isObject(env) && Object.entries(env).every(([k, v]) => ENV_NAME.test(k) && typeof v === "string"))
  )
    return Either.left("env must map variable names (no '=') to strings");
  if (stdin !== undefined && typeof stdin !== "string") return Either.left("stdin must be a string");
  if (stdinOpen !== undefined && typeof stdinOpen !== "boolean")
    return Either.left("stdin_open must be a boolean");
  if (timeout !== undefined && !(typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0))
    return Either.left("timeout_seconds must be a positive number");
  return Either.right({
    argv,
    stdinOpen: stdinOpen === true,
    ...(cwd === undefined ? {} : { cwd }),
    ...(env === undefined ? {} : { env: env as Record<string, string> }),
    ...(stdin === undefined ? {} : { stdin }),
    ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
  });
};
