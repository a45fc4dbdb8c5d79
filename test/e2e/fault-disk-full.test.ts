// Fault: the sandbox's disk fills up. The runtime's base directory is a 4 MiB tmpfs (mounted here; the test
// runs as root, as CI does). Writes that do not fit get a clear error naming the cause, files written
// before are intact (writes are atomic), and once space is freed the runtime serves as before.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RuntimeProcess, startRuntimeProcess } from "../support/runtime-process";
import { directTo, type SandboxCalls } from "../support/sandbox-http";

setDefaultTimeout(120_000);

const baseDir = mkdtempSync(join(tmpdir(), "disk-full-"));
let runtime: RuntimeProcess | undefined;
let calls: SandboxCalls;

const sh = (cmd: string[]) => Bun.spawnSync(cmd, { stderr: "pipe" });

beforeAll(async () => {
  const mount = sh(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", baseDir]);
  if (mount.exitCode !== 0) throw new Error(`cannot mount a tmpfs (needs root): ${mount.stderr.toString()}`);
  runtime = await startRuntimeProcess(baseDir);
  calls = directTo(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
  sh(["umount", baseDir]);
  rmSync(baseDir, { recursive: true, force: true });
});

const put = (path: string, bytes: number) =>
  calls.request(`v1/files/${path}`, { method: "PUT", body: new Uint8Array(bytes).fill(7) });
const execute = async (command: string) => {
  const result = await calls.result(command);
  if (result === undefined) throw new Error(`/execute of '${command}' did not answer 200`);
  return result;
};

test("a full disk gives clear errors, keeps earlier files and the runtime keeps serving", async () => {
  expect((await put("keep.bin", 1024 * 1024)).status).toBe(204);

  const tooBig = await put("big.bin", 8 * 1024 * 1024);
  expect(tooBig.status).toBe(500);
  const body = (await tooBig.json()) as { code: string; message: string };
  expect(body.code).toBe("INTERNAL");
  expect(body.message).toMatch(/ENOSPC|no space/i);

  // Overwriting an existing file with more than fits leaves the old content (atomic replace).
  expect((await put("keep.bin", 8 * 1024 * 1024)).status).toBe(500);
  const kept = new Uint8Array(await (await calls.request("v1/files/keep.bin")).arrayBuffer());
  expect(kept.length).toBe(1024 * 1024);
  expect(kept.every((b) => b === 7)).toBe(true);

  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(8 * 1024 * 1024)]), "legacy.bin");
  const legacy = await calls.request("upload", { method: "POST", body: form });
  expect(legacy.status).toBeGreaterThanOrEqual(400);

  const dd = await execute("dd if=/dev/zero of=filler bs=1M count=8");
  expect(dd.exit_code).not.toBe(0);
  expect(dd.stderr).toMatch(/no space/i);
  // With the disk now completely full, the runtime still answers.
  expect((await execute("echo alive")).stdout).toBe("alive\n");

  expect((await execute("rm -f filler")).exit_code).toBe(0);
  expect((await put("after.bin", 1024)).status).toBe(204);
  expect((await execute("ls")).stdout.split("\n").sort()).toEqual(["", "after.bin", "keep.bin"]);
});
