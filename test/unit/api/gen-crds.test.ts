import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProcess } from "../../support/process";

// bun's default per-test timeout is 5 s (bunfig's [test] timeout is not read); property runs and child
// processes can take longer on a loaded machine.
setDefaultTimeout(60_000);

const SCRIPT = join(import.meta.dir, "../../../scripts/gen-crds.ts");
const dir = mkdtempSync(join(tmpdir(), "gen-crds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const { code, stdout, stderr } = await runProcess([process.execPath, "run", SCRIPT, ...args, "--dir", dir]);
  return { code, output: stdout + stderr };
};

describe("scripts/gen-crds.ts", () => {
  test("writes the CRDs, then --check passes", async () => {
    expect((await run()).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      "agents.x-k8s.io_sandboxes.yaml",
      "extensions.agents.x-k8s.io_sandboxclaims.yaml",
      "extensions.agents.x-k8s.io_sandboxtemplates.yaml",
      "extensions.agents.x-k8s.io_sandboxwarmpools.yaml",
    ]);
    expect(await run("--check")).toMatchObject({ code: 0 });
  });

  test("--check names changed, missing and unexpected files and exits 1", async () => {
    expect((await run()).code).toBe(0);
    writeFileSync(join(dir, "agents.x-k8s.io_sandboxes.yaml"), "edited by hand\n");
    unlinkSync(join(dir, "extensions.agents.x-k8s.io_sandboxclaims.yaml"));
    writeFileSync(join(dir, "stray.yaml"), "kind: Nothing\n");
    const { code, output } = await run("--check");
    expect(code).toBe(1);
    expect(output).toContain("differs");
    expect(output).toContain('agents.x-k8s.io_sandboxes.yaml (line 1: have "edited by hand"');
    expect(output).toMatch(/missing\s+\S*extensions.agents.x-k8s.io_sandboxclaims.yaml/);
    expect(output).toMatch(/unexpected\s+\S*stray.yaml/);
  });
});
