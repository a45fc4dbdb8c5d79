// bun run bench/load/router-throughput.ts [--seconds N]
// The k6 router-throughput profile without k6: wrk with bench/router/ids.lua (requests spread over the profile's
// sandbox IDs) against the router as bench/router benchmarks it (index of N sandboxes, all pointing at the bench
// backend). Numbers and thresholds come from bench/profiles.json; exits 1 when a threshold is missed.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { firstLine } from "../../test/support/process";
import profiles from "../profiles.json";
import { runWrk } from "../router/wrk";

const profile = profiles.routerThroughput;
const { values } = parseArgs({
  options: { seconds: { type: "string", default: String(profile.durationSeconds) } },
});
const here = import.meta.dir;
const bun = join(here, "../../node_modules/.bin/bun");
const children: ReturnType<typeof Bun.spawn>[] = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Starts a bench/router helper and reads the JSON line it prints once listening. */
const spawnJson = async <T>(script: string, args: string[] = []): Promise<T> => {
  const proc = Bun.spawn([bun, join(here, "../router", script), ...args], {
    stdout: "pipe",
    stderr: "inherit",
  });
  children.push(proc);
  const line = await firstLine(proc.stdout as ReadableStream<Uint8Array>);
  if (line === undefined) throw new Error(`${script} exited early`);
  return JSON.parse(line) as T;
};

const backend = await spawnJson<{ port: number }>("backend.ts");
const router = await spawnJson<{ port: number }>("router-entry.ts", [String(profile.sandboxIds)]);
const r = await runWrk({
  url: `http://127.0.0.1:${router.port}${profile.path}`,
  connections: profile.connections,
  seconds: Number(values.seconds),
  sandboxIds: profile.sandboxIds,
  sandboxPort: backend.port,
  path: profile.path,
});
const result = {
  rps: Math.round(r.rps),
  p99Ms: r.p99Ms,
  errorRate: r.requests > 0 ? r.errors / r.requests : 1,
  requests: r.requests,
};
const passed = result.p99Ms <= profile.thresholds.p99Ms && result.errorRate <= profile.thresholds.errorRate;
console.log(
  JSON.stringify({ profile: "routerThroughput", ...result, thresholds: profile.thresholds, passed }),
);
process.exit(passed ? 0 : 1);
