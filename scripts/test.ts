// The project's one test command (`npm test`): static checks, then every test file under test/, each in its
// own `bun test` process so one file's leaked handle or hang cannot stop the rest, with a time limit per file.
// Ends with a single `N passed, N failed` line so CI shows the totals.
// `npm test -- <substring>...` runs only the test files whose path contains one of the substrings.
import { Glob, spawn } from "bun";

const root = `${import.meta.dir}/..`;
const bin = (name: string) => `${root}/node_modules/.bin/${name}`;

const checks: ReadonlyArray<{ name: string; cmd: string[] }> = [
  { name: "typecheck", cmd: ["tsc", "--noEmit", "-p", "."] },
  { name: "lint", cmd: ["biome", "check", "."] },
  { name: "k6 profiles", cmd: ["tsc", "--noEmit", "-p", "bench/k6"] },
  { name: "crds", cmd: ["bun", "run", "scripts/gen-crds.ts", "--check"] },
];

/** Per test: integration and e2e tests start real servers and processes on a shared 2-core machine. */
const TEST_TIMEOUT_MS = 60_000;
/** A file that takes longer than this is stopped and counted as one failure. */
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_SECONDS ?? 600) * 1000;

const filters = process.argv.slice(2);

let failedChecks = 0;
if (filters.length === 0) {
  for (const check of checks) {
    const [tool, ...args] = check.cmd;
    const proc = spawn([bin(tool!), ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
    const code = await proc.exited;
    console.log(`check ${check.name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`}`);
    if (code !== 0) failedChecks++;
  }
}

const files = [...new Glob("test/**/*.test.ts").scanSync({ cwd: root })]
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

interface FileResult {
  passed: number;
  failed: number;
  note: string;
}

// bun test prints its summary (" N pass", " N fail") on stderr; forward everything and keep the counts.
const runFile = async (file: string): Promise<FileResult> => {
  const proc = spawn([process.execPath, "test", "--timeout", String(TEST_TIMEOUT_MS), `./${file}`], {
    cwd: root,
    stdout: "inherit",
    stderr: "pipe",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, FILE_TIMEOUT_MS);
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stderr) {
    const text = decoder.decode(chunk, { stream: true });
    process.stderr.write(text);
    tail = (tail + text).slice(-4096);
  }
  const code = await proc.exited;
  clearTimeout(timer);
  const passed = Number(/^\s*(\d+) pass$/m.exec(tail)?.[1] ?? 0);
  let failed = Number(/^\s*(\d+) fail$/m.exec(tail)?.[1] ?? 0);
  let note = "";
  if (timedOut) {
    failed += 1;
    note = ` (stopped after ${FILE_TIMEOUT_MS / 1000} s)`;
  } else if (failed === 0 && code !== 0) {
    // A crashed runner counts as a failure even when no test reported one.
    failed = 1;
    note = ` (exit ${code})`;
  }
  return { passed, failed, note };
};

let passed = 0;
let failed = failedChecks;
const summary: string[] = [];
for (const file of files) {
  const started = performance.now();
  const result = await runFile(file);
  passed += result.passed;
  failed += result.failed;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  summary.push(
    `${result.failed > 0 ? "FAIL" : "ok  "} ${file}: ${result.passed} passed, ${result.failed} failed${result.note} [${seconds} s]`,
  );
}
console.log(`\n${summary.join("\n")}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
