import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ipToString, type LoopbackRange, usable } from "./cidr";

/**
 * Hands out pod IPs from a loopback range. Leases are also files in a machine-wide directory
 * (holding the agent's pid), so several agents on one machine (parallel test suites, a second local
 * mode) never give two pods the same address; a lease whose owner died is taken over.
 */
export class IpPool {
  private readonly held = new Map<string, string>();

  constructor(
    private readonly range: LoopbackRange,
    private readonly leaseDir: string,
  ) {
    mkdirSync(leaseDir, { recursive: true });
  }

  /** The IP already held by `owner` (a pod uid), else a new one; `preferred` is tried first (a pod's old IP). */
  allocate(owner: string, preferred?: string): string | undefined {
    const mine = [...this.held].find(([, o]) => o === owner)?.[0];
    if (mine !== undefined) return mine;
    if (preferred !== undefined && this.inRange(preferred) && this.lease(preferred))
      return this.hold(preferred, owner);
    const start = Math.floor(Math.random() * this.range.size);
    for (let i = 0; i < this.range.size; i++) {
      const n = (start + i) % this.range.size;
      if (!usable(this.range, n)) continue;
      const ip = ipToString(this.range.first + n);
      if (!this.held.has(ip) && this.lease(ip)) return this.hold(ip, owner);
    }
    return undefined;
  }

  release(owner: string): void {
    for (const [ip, o] of this.held) {
      if (o !== owner) continue;
      this.held.delete(ip);
      try {
        unlinkSync(this.leaseFile(ip));
      } catch {
        // Already gone.
      }
    }
  }

  releaseAll(): void {
    for (const owner of new Set(this.held.values())) this.release(owner);
  }

  private inRange(ip: string): boolean {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4) return false;
    const n = parts.reduce((a, p) => a * 256 + p, 0) - this.range.first;
    return n >= 0 && n < this.range.size && usable(this.range, n);
  }

  private hold(ip: string, owner: string): string {
    this.held.set(ip, owner);
    return ip;
  }

  /** A file holding our pid, hard-linked as each lease. */
  private pidFile(): string {
    const file = join(this.leaseDir, `.pid-${process.pid}`);
    writeFileSync(file, String(process.pid));
    return file;
  }

  private leaseFile(ip: string): string {
    return join(this.leaseDir, ip);
  }

  /** Creates the lease file exclusively; takes over one whose owner process is gone. */
  private lease(ip: string): boolean {
    const file = this.leaseFile(ip);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        // link() publishes the file with its content in one step, so no reader sees an empty lease.
        linkSync(this.pidFile(), file);
        return true;
      } catch {
        const owner = leaseOwner(file);
        if (owner === process.pid || processAlive(owner)) return false;
        try {
          unlinkSync(file);
        } catch {
          return false;
        }
      }
    }
    return false;
  }
}

/** The pid in a lease file; 0 when it vanished or holds garbage . */
const leaseOwner = (file: string): number => {
  try {
    return Number(readFileSync(file, "utf8").trim()) || 0;
  } catch {
    return 0;
  }
};

const processAlive = (pid: number): boolean => {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
};
