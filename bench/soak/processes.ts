// Process bookkeeping from /proc: the runner's descendants (pod processes the node agent started), their
// resident memory, and whether a recorded process is still alive after shutdown.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessId {
  readonly pid: number;
  /** Start time in clock ticks since boot; tells a live process from a later one reusing its pid. */
  readonly startTicks: number;
  readonly command: string;
}

interface Stat {
  readonly ppid: number;
  readonly state: string;
  readonly startTicks: number;
  readonly rssPages: number;
}

const PAGE_KB = 4;

const stat = (pid: number): Stat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return {
      state: fields[0] ?? "?",
      ppid: Number(fields[1]),
      startTicks: Number(fields[19]),
      rssPages: Number(fields[21]),
    };
  } catch {
    return undefined;
  }
};

const command = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
};

/** All live descendants of `root` (default: this process). */
export const descendants = (root = process.pid): ProcessId[] => {
  const children = new Map<number, number[]>();
  const stats = new Map<number, Stat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    const s = stat(pid);
    if (!s || s.state === "Z") continue;
    stats.set(pid, s);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const found: ProcessId[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    found.push({ pid, startTicks: stats.get(pid)?.startTicks ?? 0, command: command(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
};

/** Resident set size in KiB, 0 when the process is gone. */
export const rssKb = (pid: number): number => (stat(pid)?.rssPages ?? 0) * PAGE_KB;

/** How many file descriptors the process has open (0 when it is gone); a growing count is a handle leak. */
export const openFiles = (pid: number): number => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
};

/** True while the very process recorded (same pid and start time) still runs. */
export const stillAlive = (p: ProcessId): boolean => {
  const s = stat(p.pid);
  return s !== undefined && s.state !== "Z" && s.startTicks === p.startTicks;
};

/** Every process seen under some root, by pid and start time (a pid reused later is another process). */
export class SeenProcesses {
  readonly #seen = new Map<string, ProcessId>();

  /** Records the live descendants of `root` and returns them. */
  record(root: number): ProcessId[] {
    const found = descendants(root);
    for (const p of found) this.#seen.set(`${p.pid}:${p.startTicks}`, p);
    return found;
  }

  /** Those still running once none is left or `seconds` have passed (what outlived its owner). */
  async survivors(seconds = 15): Promise<ProcessId[]> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const alive = [...this.#seen.values()].filter(stillAlive);
      if (alive.length === 0 || Date.now() > deadline) return alive;
      await Bun.sleep(100);
    }
  }
}
