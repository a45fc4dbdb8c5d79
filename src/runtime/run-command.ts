import { type CapturedOutput, captureBounded } from "./output";
import { exitStatus, signalGroup, spawnGroup } from "./process";
import type { ChildRegistry } from "./registry";

export interface RunLimits {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly registry: ChildRegistry;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  readonly timedOut: boolean;
}

/**
 * How long to keep reading output after the group was killed on timeout: only a process that left
 * the group (its own setsid) can still hold the pipes open, and we do not wait for it.
 */
const PIPE_GRACE_MS = 2_000;

/**
 * Runs `argv` to completion like Python's `subprocess.run(capture_output=True)`: it ends when the
 * process has exited and its output pipes are closed. On timeout the whole process group gets
 * SIGKILL. Throws only when the command cannot be started.
 */
export const runCommand = async (argv: readonly string[], limits: RunLimits): Promise<RunResult> => {
  const child = spawnGroup({ argv, cwd: limits.cwd });
  limits.registry.add(child);
  const stopReading = new AbortController();
  let timedOut = false;
  let grace: Timer | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid, "SIGKILL");
    grace = setTimeout(() => stopReading.abort(), PIPE_GRACE_MS);
  }, limits.timeoutMs);
  try {
    const [stdout, stderr] = await Promise.all([
      captureBounded(child.stdout, limits.maxOutputBytes, stopReading.signal),
      captureBounded(child.stderr, limits.maxOutputBytes, stopReading.signal),
      child.exited,
    ]);
    return { exitCode: exitStatus(child), stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
  }
};
