import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { eventually, isAlive, postJson, startTestRuntime, type TestRuntime } from "./harness";

let rt: TestRuntime;
const MAX_OUTPUT = 64 * 1024;

beforeAll(async () => {
  rt = await startTestRuntime({ maxOutputBytes: MAX_OUTPUT });
});
afterAll(() => rt.stop());

const execute = async (command: string, extra: Record<string, unknown> = {}) => {
  const res = await postJson(`${rt.url}/execute`, { command, ...extra });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

describe("GET /", () => {
  test("answers upstream's health body", async () => {
    const res = await fetch(`${rt.url}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", message: "Sandbox Runtime is active." });
  });
});

describe("POST /execute", () => {
  test("runs a shlex-split command without a shell", async () => {
    expect(await execute("echo 'Hello from Local!'")).toEqual({
      stdout: "Hello from Local!\n",
      stderr: "",
      exit_code: 0,
    });
    expect((await execute("echo $HOME | wc")).stdout).toBe("$HOME | wc\n");
  });

  test("reports stderr and the exit code", async () => {
    expect(await execute("sh -c 'echo oops >&2; exit 7'")).toEqual({
      stdout: "",
      stderr: "oops\n",
      exit_code: 7,
    });
  });

  test("runs in the base directory", async () => {
    expect((await execute("pwd")).stdout).toBe(`${rt.base}\n`);
  });

  test("a signal death is a negative exit code, as in Python", async () => {
    expect((await execute("sh -c 'kill -9 $$'")).exit_code).toBe(-9);
  });

  test("a missing binary, bad quoting or an empty command is a 200 error body", async () => {
    expect(await execute("no-such-binary-xyz")).toEqual({
      stdout: "",
      stderr: "Failed to execute command: [Errno 2] No such file or directory: 'no-such-binary-xyz'",
      exit_code: 1,
    });
    expect(await execute("echo 'unterminated")).toEqual({
      stdout: "",
      stderr: "Failed to execute command: No closing quotation",
      exit_code: 1,
    });
    expect((await execute("   ")).stderr).toBe("Failed to execute command: no command given");
  });

  test("bad bodies are FastAPI-style 422s", async () => {
    const missingBody = await fetch(`${rt.url}/execute`, { method: "POST" });
    expect(missingBody.status).toBe(422);
    expect(await missingBody.json()).toEqual({
      detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }],
    });
    const noCommand = await postJson(`${rt.url}/execute`, { cmd: "ls" });
    expect(noCommand.status).toBe(422);
    expect(await noCommand.json()).toEqual({
      detail: [{ type: "missing", loc: ["body", "command"], msg: "Field required", input: { cmd: "ls" } }],
    });
    const wrongType = await postJson(`${rt.url}/execute`, { command: ["ls"] });
    expect(wrongType.status).toBe(422);
    expect(((await wrongType.json()) as { detail: { type: string }[] }).detail[0]?.type).toBe("string_type");
  });

  test("non-UTF-8 output is decoded lossily and flagged", async () => {
    const result = await execute("printf 'a\\377b'");
    expect(result.stdout).toBe("a\ufffdb");
    expect(result.non_utf8).toBe(true);
  });

  test("huge output is cut at the limit and flagged, and the command still completes", async () => {
    const result = await execute("head -c 1000000 /dev/zero");
    expect((result.stdout as string).length).toBe(MAX_OUTPUT);
    expect(result.truncated).toBe(true);
    expect(result.exit_code).toBe(0);
  });

  test("a timeout kills the whole process group", async () => {
    const command = "sh -c 'echo $$ > pids; sleep 100 & echo $! >> pids; sleep 100'";
    const result = await execute(command, { timeout_seconds: 1 });
    expect(result).toMatchObject({ stdout: "", exit_code: 1, timed_out: true });
    expect(result.stderr).toContain("timed out after 1 seconds");
    const pids = (await readFile(join(rt.base, "pids"), "utf8")).trim().split("\n").map(Number);
    expect(pids).toHaveLength(2);
    await eventually(() => pids.every((pid) => !isAlive(pid)), "the group to be gone");
  });

  test("a replayed request runs again and answers 200 again (retries never see a 5xx)", async () => {
    const body = { command: "sh -c 'echo run >> replay.log; exit 3'" };
    const first = await postJson(`${rt.url}/execute`, body);
    const second = await postJson(`${rt.url}/execute`, body);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual(await second.json());
    expect(await readFile(join(rt.base, "replay.log"), "utf8")).toBe("run\nrun\n");
  });

  test("unknown routes and methods answer like FastAPI", async () => {
    const missing = await fetch(`${rt.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
    const wrongMethod = await fetch(`${rt.url}/execute`);
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ detail: "Method Not Allowed" });
  });
});

describe("stopping the runtime", () => {
  test("kills commands still running", async () => {
    const other = await startTestRuntime();
    const pending = postJson(`${other.url}/execute`, {
      command: "sh -c 'echo $$ > pid; exec sleep 100'",
    }).catch(() => undefined);
    const pidFile = join(other.base, "pid");
    await eventually(
      async () => (await readFile(pidFile, "utf8").catch(() => "")).endsWith("\n"),
      "the command to start",
    );
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    await other.stop();
    await pending;
    await eventually(() => !isAlive(pid), "the command to be killed");
  });
});
