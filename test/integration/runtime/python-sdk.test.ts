import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runProcess } from "../../support/process";
import { startTestRuntime, type TestRuntime } from "./harness";

/**
 * The upstream Python SDK (`k8s-agent-sandbox`) talking its legacy-runtime wire calls straight to
 * our runtime through `SandboxDirectConnectionConfig`: no cluster or router involved, just the HTTP.
 */
// The script waits out a command timeout on purpose; the harness's default is per module load, so set it here
// too for runs that load several files in one process.
setDefaultTimeout(60_000);

const SCRIPT = `
import json, sys
from k8s_agent_sandbox.connector import SandboxConnector
from k8s_agent_sandbox.models import SandboxDirectConnectionConfig
from k8s_agent_sandbox.commands.command_executor import CommandExecutor
from k8s_agent_sandbox.files.filesystem import Filesystem

connector = SandboxConnector("sb", "default", SandboxDirectConnectionConfig(api_url=sys.argv[1]), None)
commands = CommandExecutor(connector, None, "test")
files = Filesystem(connector, None, "test")
hello = commands.run("echo 'Hello from SDK'")
slow = commands.run("sleep 30", command_timeout=0.5)
files.write("nested/dir/note.txt", b"from python")
entries = files.list("nested/dir")
print(json.dumps({
    "hello": hello.model_dump(),
    "slow": slow.model_dump(),
    "read": files.read("nested/dir/note.txt").decode(),
    "exists": [files.exists("nested/dir/note.txt"), files.exists("nested/nothing")],
    "entries": [[e.name, e.size, e.type] for e in entries],
}))
`;

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.stop());

describe("upstream Python SDK against the runtime", () => {
  test("commands.run and files.write/read/list/exists", async () => {
    const { code, stdout, stderr } = await runProcess(["python3", "-c", SCRIPT, rt.url]);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const result = JSON.parse(stdout);
    expect(result.hello).toEqual({ stdout: "Hello from SDK\n", stderr: "", exit_code: 0, timed_out: false });
    expect(result.slow).toMatchObject({ exit_code: 1, timed_out: true });
    expect(result.read).toBe("from python");
    expect(result.exists).toEqual([true, false]);
    expect(result.entries).toEqual([["note.txt", 11, "file"]]);
    expect(await readFile(join(rt.base, "nested/dir/note.txt"), "utf8")).toBe("from python");
  });
});
