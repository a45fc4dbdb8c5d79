// The CI chaos run: `npm run chaos` for 40 s as a child process, a random part of local mode (API server,
// controller, node agent or router) SIGKILLed and restarted every 5 s on average. Its summary must show every
// claim Ready and answering through the router, nothing bound twice, the system settled back to its pool and
// no pod process left behind.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

setDefaultTimeout(300_000);

const root = join(import.meta.dir, "../..");
const work = mkdtempSync(join(tmpdir(), "chaos-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test("40 s of parts killed at random: every claim served once, nothing leaked, the pool settles", async () => {
  const out = join(work, "chaos.json");
  const proc = Bun.spawn(
    [
      join(root, "node_modules/.bin/bun"),
      "run",
      "bench/chaos/run.ts",
      "--seconds",
      "40",
      "--every",
      "5",
      "--parts",
      "apiserver,controller,node,router",
      "--out",
      out,
    ],
    { cwd: root, stdout: "pipe", stderr: "ignore" },
  );
  const stdout = await new Response(proc.stdout).text();
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    summary: Record<string, number | boolean>;
    notReady: string[];
    unroutable: string[];
    doubleBoundDetails: string[];
    leakedProcessCommands: string[];
  };
  // The details first: on a failure they say what went wrong.
  expect(report.notReady).toEqual([]);
  expect(report.unroutable).toEqual([]);
  expect(report.doubleBoundDetails).toEqual([]);
  expect(report.leakedProcessCommands).toEqual([]);
  expect(report.summary.settled).toBe(true);
  expect(report.summary.kills).toBeGreaterThan(0);
  expect(report.summary.claims).toBeGreaterThan(0);
  expect(await proc.exited).toBe(0);
  expect(stdout.trim().split("\n").at(-1)).toMatch(
    /^seconds=40 kills=\d+ claims=\d+ not_ready=0 unroutable=0 double_bound=0 leaked_processes=0 settled=true /,
  );
});
