// The `agent-sandbox` CLI as a child process against local mode: every subcommand, exit statuses, and
// Ctrl-C deleting a held claim.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeOn } from "../support/kube";
import { clientEnv, type LocalHandle, startLocalForTest } from "../support/local";
import { runProcess } from "../support/process";
import { until } from "../support/until";
import { claimNames, noClaimsLeft } from "./sdk-helpers";

setDefaultTimeout(60_000);

const MAIN = join(import.meta.dir, "../../src/client/cli/main.ts");
let local: LocalHandle;
let scratch: string;
const kube = kubeOn(() => local);

const spawnCli = (args: ReadonlyArray<string>) =>
  Bun.spawn([process.execPath, MAIN, ...args], {
    env: clientEnv(local),
    stdout: "pipe",
    stderr: "pipe",
  });

const cli = (...args: string[]) => runProcess([process.execPath, MAIN, ...args], { env: clientEnv(local) });

beforeAll(async () => {
  local = await startLocalForTest();
  scratch = await mkdtemp(join(tmpdir(), "sdk-cli-"));
});

afterAll(async () => {
  await local?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("agent-sandbox CLI", () => {
  let claim = "";

  test("claim --keep prints the claim and sandbox, with progress on stderr, and leaves the claim", async () => {
    const result = await cli("claim", "--warm-pool", "python-sandbox-warmpool", "--keep");
    expect(result.code).toBe(0);
    const match = /^claim\/(\S+) sandbox\/(\S+)\n$/.exec(result.stdout);
    expect(match).not.toBeNull();
    claim = match?.[1] ?? "";
    expect(result.stderr).toContain("claim from warm pool python-sandbox-warmpool: ");
    expect(await claimNames(kube)).toEqual([claim]);
  });

  test("get shows a table of claims", async () => {
    const all = await cli("get");
    expect(all.code).toBe(0);
    const [header, row] = all.stdout.trimEnd().split("\n");
    expect(header?.split(/\s+/)).toEqual(["NAME", "SANDBOX", "READY", "REASON", "AGE"]);
    expect(row?.split(/\s+/).slice(0, 3)).toEqual([
      claim,
      expect.stringMatching(/^python-sandbox-warmpool-/),
      "True",
    ]);
    const one = await cli("get", claim, "-n", "default");
    expect(one.stdout).toContain(claim);
  });

  test("exec streams stdout and stderr and exits with the command's status", async () => {
    const result = await cli("exec", claim, "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 3");
    expect(result).toEqual({ stdout: "to-out\n", stderr: "to-err\n", code: 3 });
    const line = await cli("exec", claim, "--", "python3 -c 'print(6*7)'");
    expect(line).toEqual({ stdout: "42\n", stderr: "", code: 0 });
  });

  test("cp in both directions and ls", async () => {
    const local = join(scratch, "up.txt");
    await writeFile(local, "uploaded\n");
    expect((await cli("cp", local, `${claim}:data/up.txt`)).code).toBe(0);
    const listing = await cli("ls", claim, "data");
    expect(listing.code).toBe(0);
    expect(listing.stdout.split("\n")[1]?.split(/\s+/).slice(0, 3)).toEqual(["up.txt", "file", "9"]);
    const down = join(scratch, "down.txt");
    expect((await cli("cp", `${claim}:data/up.txt`, down)).code).toBe(0);
    expect(await readFile(down, "utf8")).toBe("uploaded\n");
  });

  test("suspend and resume keep files", async () => {
    const suspended = await cli("suspend", claim);
    expect(suspended.code).toBe(0);
    expect((await cli("get", claim)).stdout).toContain("SandboxSuspended");
    expect((await cli("resume", claim)).code).toBe(0);
    expect((await cli("exec", claim, "--", "cat", "data/up.txt")).stdout).toBe("uploaded\n");
  });

  test("rm deletes the claim; errors are one line with status 1", async () => {
    expect(await cli("rm", claim)).toMatchObject({ code: 0, stdout: `claim/${claim} deleted\n` });
    await noClaimsLeft(kube);
    const gone = await cli("exec", claim, "--", "true");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(
      `agent-sandbox: sandboxclaims.extensions.agents.x-k8s.io "${claim}" not found\n`,
    );
    const noPool = await cli("claim", "--warm-pool", "missing", "--keep");
    expect(noPool.code).toBe(1);
    expect(noPool.stderr.trimEnd().split("\n").at(-1)).toMatch(
      /^agent-sandbox: claim default\/\S+: WarmPoolNotFound/,
    );
    await noClaimsLeft(kube);
  });

  test("usage errors exit with status 2", async () => {
    for (const args of [
      [],
      ["bogus"],
      ["exec", "c"],
      ["cp", "a", "b"],
      ["claim"],
      ["get", "--timeout", "soon"],
      ["ls", "--nope"],
    ]) {
      const result = await cli(...args);
      expect(result.code).toBe(2);
      expect(result.stderr.startsWith("agent-sandbox: ") || result.stdout.startsWith("Usage:")).toBe(true);
    }
    expect(await cli("--help")).toMatchObject({ code: 0 });
  });

  test("claim without --keep holds the claim until Ctrl-C, then deletes it", async () => {
    const child = spawnCli(["claim", "--warm-pool", "python-sandbox-warmpool"]);
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`CLI ended early: ${out}`);
      out += value;
    }
    const held = /^claim\/(\S+)/.exec(out)?.[1] ?? "";
    expect(await claimNames(kube)).toEqual([held]);
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    await until("held claim deleted", async () =>
      (await claimNames(kube)).includes(held) ? undefined : true,
    );
  });
});
