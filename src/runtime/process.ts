import { constants } from "node:os";
import type { Subprocess } from "bun";

/** A child started as the leader of its own process group, so signals reach everything it forks. */
export type GroupChild = Subprocess<"ignore" | "pipe", "pipe", "pipe">;

export interface SpawnSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  /** Pipe a stdin the caller writes to; otherwise the child reads /dev/null. */
  readonly stdin?: boolean;
}

/** Why a command could not be started, worded like Python's OSError so legacy clients see familiar text. */
export const describeSpawnError = (argv0: string, error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return `[Errno 2] No such file or directory: '${argv0}'`;
  if (code === "EACCES") return `[Errno 13] Permission denied: '${argv0}'`;
  return error instanceof Error ? error.message : String(error);
};

/** Starts `argv` in a new session (setsid), so its pid is also its process group id. Throws when it cannot start. */
export const spawnGroup = (spec: SpawnSpec): GroupChild =>
  Bun.spawn([...spec.argv], {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdin: spec.stdin ? "pipe" : "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  }) as GroupChild;

/** Signals the whole group; a group that is already gone is not an error. */
export const signalGroup = (pid: number, signal: NodeJS.Signals | number): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every member has exited.
  }
};

/** The exit status as Python's subprocess reports it: the exit code, or -N when killed by signal N. */
export const exitStatus = (child: GroupChild): number => {
  if (child.exitCode !== null) return child.exitCode;
  const signal = child.signalCode as keyof typeof constants.signals | null;
  return signal ? -constants.signals[signal] : -1;
};
