// The CI soak: `npm run soak -- --seconds 60` as a child process; its summary line must show no errors, no
// claim or sandbox bound twice, no pod process outliving local mode, and bounded memory growth of every part
// (API server, node agent, controller and router each run as a process of their own).
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

setDefaultTimeout(300_000);

const root = join(import.meta.dir, "../..");
const work = mkdtempSync(join(tmpdir(), "soak-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test("a 60 s soak: no errors, nothing bound twice, nothing leaked, memory bounded", async () => {
  const out = join(work, "soak.json");
  const proc = Bun.spawn(
    [join(root, "node_modules/.bin/bun"), "run", "bench/soak/run.ts", "--seconds", "60", "--out", out],
    { cwd: root, stdout: "pipe", stderr: "ignore" },
  );
  const stdout = await new Response(proc.stdout).text();
  expect(await proc.exited).toBe(0);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  expect(last).toMatch(
    /^seconds=60 claims=\d+ requests=\d+ errors=\d+ double_bound=\d+ leaked_processes=\d+ rss_growth_pct=-?[\d.]+$/,
  );
  const summary = Object.fromEntries(last.split(" ").map((kv) => kv.split("=") as [string, string]));
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    errorSamples: string[];
    leakedObjects: number;
    memory: Record<string, { rssGrowthPct: number; heapKb: { first: number } }>;
  };
  expect(report.errorSamples).toEqual([]);
  expect(Number(summary.errors)).toBe(0);
  expect(Number(summary.double_bound)).toBe(0);
  expect(Number(summary.leaked_processes)).toBe(0);
  expect(report.leakedObjects).toBe(0);
  expect(Number(summary.claims)).toBeGreaterThan(0);
  expect(Number(summary.requests)).toBeGreaterThan(0);
  // Memory is not timing, but a 60 s run on a shared machine is noisy: only a runaway leak should fail this.
  expect(Number(summary.rss_growth_pct)).toBeLessThan(50);
  // Every part was measured on its own, and the summary's figure is the worst part's.
  expect(Object.keys(report.memory).sort()).toEqual(["apiserver", "controller", "node", "router"]);
  for (const part of Object.values(report.memory)) expect(part.heapKb.first).toBeGreaterThan(0);
  expect(Math.max(...Object.values(report.memory).map((m) => m.rssGrowthPct))).toBe(
    Number(summary.rss_growth_pct),
  );
});
