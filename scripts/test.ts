// The project's one test command (`npm test`): static checks, then every test under test/.
// Ends with a single `N passed, N failed` line so CI shows the totals.
import { spawn } from "bun";

const checks: ReadonlyArray<{ name: string; cmd: string[] }> = [
  { name: "typecheck", cmd: ["tsc", "--noEmit", "-p", "."] },
  { name: "lint", cmd: ["biome", "check", "."] },
  { name: "k6 profiles", cmd: ["tsc", "--noEmit", "-p", "bench/k6"] },
  { name: "crds", cmd: ["bun", "run", "scripts/gen-crds.ts", "--check"] },
];

const bin = (name: string) => `${import.meta.dir}/../node_modules/.bin/${name}`;

let failedChecks = 0;
for (const check of checks) {
  const [tool, ...args] = check.cmd;
  const proc = spawn([bin(tool!), ...args], { stdout: "inherit", stderr: "inherit" });
  const code = await proc.exited;
  console.log(`check ${check.name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`}`);
  if (code !== 0) failedChecks++;
}

// bun test prints its summary (" N pass", " N fail") on stderr; forward it and keep the counts.
const testArgs = process.argv.slice(2);
const tests = spawn([process.execPath, "test", ...testArgs], { stdout: "inherit", stderr: "pipe" });
let passed = 0;
let failed = 0;
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of tests.stderr) {
  const text = decoder.decode(chunk, { stream: true });
  process.stderr.write(text);
  tail = (tail + text).slice(-4096);
}
const testExit = await tests.exited;
passed = Number(/^\s*(\d+) pass$/m.exec(tail)?.[1] ?? 0);
failed = Number(/^\s*(\d+) fail$/m.exec(tail)?.[1] ?? 0);
// A crashed runner or a failed static check counts as a failure even when no test reported one.
if (failed === 0 && testExit !== 0) failed = 1;
failed += failedChecks;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && testExit === 0 ? 0 : 1);
