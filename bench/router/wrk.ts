// One wrk run with ids.lua (requests spread over many X-Sandbox-IDs on the profile's path), read back from
// the script's WRK_JSON summary line. Shared by the router bench and the k6-profile load runner.
import { join } from "node:path";

export interface WrkRun {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly sandboxIds: number;
  readonly sandboxPort: number;
  readonly path: string;
  /** Pin wrk to these CPUs with taskset. */
  readonly cpus?: string;
  /** Each connection waits this long before each request (a fixed load below saturation). */
  readonly delayMs?: number;
}

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly requests: number;
}

export const runWrk = async (run: WrkRun): Promise<WrkResult> => {
  const command = [
    "wrk",
    "-t1",
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    "-s",
    join(import.meta.dir, "ids.lua"),
    run.url,
  ];
  const proc = Bun.spawn(run.cpus === undefined ? command : ["taskset", "-c", run.cpus, ...command], {
    env: {
      ...process.env,
      SANDBOX_IDS: String(run.sandboxIds),
      SANDBOX_PORT: String(run.sandboxPort),
      SANDBOX_PATH: run.path,
      REQUEST_DELAY_MS: String(run.delayMs ?? 0),
    },
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const r = JSON.parse(line.slice("WRK_JSON ".length)) as {
    requests: number;
    duration_us: number;
    errors: number;
    p50_us: number;
    p99_us: number;
  };
  return {
    rps: r.requests / (r.duration_us / 1e6),
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    errors: r.errors,
    requests: r.requests,
  };
};
