import { readdirSync, readFileSync } from "node:fs";
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
  /** Asks the container's processes to stop (SIGTERM), sparing a bubblewrap wrapper. */
  readonly terminate: () => void;
}

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
};

/** The members of a process group, read from /proc, with their command names. */
const groupMembers = (pgid: number): { pid: number; comm: string }[] => {
  const members: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      // Fields after the command name: state ppid pgrp ...
      const pgrp = Number(stat.slice(close + 2).split(" ")[2]);
      if (pgrp === pgid) members.push({ pid: Number(entry), comm: stat.slice(stat.indexOf("(") + 1, close) });
    } catch {
      // Exited while we looked.
    }
  }
  return members;
};

/**
 * Starts a container as the leader of a new session, with stdout and stderr going to its log.
 * With `wrapped` (bubblewrap), SIGTERM skips the wrapper processes: bubblewrap dies on SIGTERM and
 * would take the container down with SIGKILL at once, leaving it no grace period.
 * Throws when the program cannot be started.
 */
export const startProcess = (command: HostCommand, log: LogWriter, wrapped = false): ContainerProcess => {
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
  const terminate = () => {
    if (!wrapped) return signalGroup(child.pid, "SIGTERM");
    for (const member of groupMembers(child.pid)) {
      if (member.comm === "bwrap") continue;
      try {
        process.kill(member.pid, "SIGTERM");
      } catch {
        // Gone already.
      }
    }
  };
  return { pid: child.pid, exited, signal: (s) => signalGroup(child.pid, s), terminate };
};

/** SIGTERM to the group, then SIGKILL after the grace period; resolves once the process has exited. */
export const stopProcess = async (proc: ContainerProcess, graceMs: number): Promise<ProcessExit> => {
  proc.terminate();
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
