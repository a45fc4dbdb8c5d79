import { constants } from "node:os";
import type { HostCommand } from "./launch";
import type { LogWriter } from "./log-files";

/** How a container's process ended, in Kubernetes' terms (a signal N is exit code 128+N). */
export interface ProcessExit {
  readonly exitCode: number;
  readonly signal?: number;
}

export interface ContainerProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  /** Signals the container's whole process group. */
  readonly signal: (signal: NodeJS.Signals) => void;
}

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
};

/**
 * Starts a container as the leader of a new session, with stdout and stderr going to its log.
 * Throws when the program cannot be started.
 */
export const startProcess = (command: HostCommand, log: LogWriter): ContainerProcess => {
  const child = Bun.spawn(command.argv, {
    cwd: command.cwd,
    env: command.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  const pumped = Promise.all([log.pump(child.stdout), log.pump(child.stderr)]).catch(() => undefined);
  const exited = child.exited.then(async () => {
    // Output a lingering grandchild still writes is not waited for: the container is over when its
    // main process is; the group is killed so nothing outlives it.
    signalGroup(child.pid, "SIGKILL");
    await Promise.race([pumped, Bun.sleep(1_000)]);
    await log.close();
    const name = child.signalCode as keyof typeof constants.signals | null;
    const signal = name ? constants.signals[name] : undefined;
    return signal === undefined ? { exitCode: child.exitCode ?? 0 } : { exitCode: 128 + signal, signal };
  });
  return { pid: child.pid, exited, signal: (s) => signalGroup(child.pid, s) };
};

/** SIGTERM to the group, then SIGKILL after the grace period; resolves once the process has exited. */
export const stopProcess = async (proc: ContainerProcess, graceMs: number): Promise<ProcessExit> => {
  proc.signal("SIGTERM");
  const timer = setTimeout(() => proc.signal("SIGKILL"), graceMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
};

/** Runs a short command (an exec probe) to completion; a timeout kills its group and counts as failure. */
export const runToExit = async (command: HostCommand, timeoutMs: number): Promise<number> => {
  const child = Bun.spawn(command.argv, {
    cwd: command.cwd,
    env: command.env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
    detached: true,
  });
  const timer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), timeoutMs);
  try {
    const code = await child.exited;
    return child.signalCode ? 128 : code;
  } finally {
    clearTimeout(timer);
  }
};
