// Pod processes an earlier agent on the same state directory left running. An agent killed outright
// (SIGKILL, the OOM killer) cannot stop its pods: plain ones run in sessions of their own and outlive it,
// and bubblewrap's --die-with-parent misses an agent that dies while the wrapper is starting. Every pod
// process carries its state directory's mark in its environment, and a starting agent ends each process
// that carries its own mark before it starts any pod.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

export const NODE_MARK_ENV = "AGENT_SANDBOX_NODE";

/** The mark of a state directory: stable across restarts, and it does not show the host's path to pods. */
export const nodeMark = (stateDir: string): string =>
  createHash("sha256").update(stateDir).digest("hex").slice(0, 16);

const carries = (pid: number, entry: string): boolean => {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(entry);
  } catch {
    return false; // gone, or not ours to read
  }
};

/** SIGKILLs every other process carrying `mark` (with its process group); returns how many it found. */
export const killLeftovers = (mark: string): number => {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((e) => /^[0-9]+$/.test(e))
      .map(Number);
  } catch {
    return 0; // no /proc: nothing to find this way
  }
  const entry = `${NODE_MARK_ENV}=${mark}`;
  let found = 0;
  for (const pid of pids) {
    if (pid === process.pid || !carries(pid, entry)) continue;
    found++;
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // Not a group leader, or gone already.
      }
    }
  }
  return found;
};
