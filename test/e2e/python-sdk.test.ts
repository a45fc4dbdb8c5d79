// The upstream Python SDK (k8s-agent-sandbox from PyPI), unmodified, against local mode: a v1beta1-style
// create_sandbox(warmpool=...) through the router with SandboxDirectConnectionConfig.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type LocalHandle, startLocalForTest } from "../support/local";
import { runProcessOk } from "../support/process";

const script = `
import json, sys
from k8s_agent_sandbox import SandboxClient
from k8s_agent_sandbox.models import SandboxDirectConnectionConfig

client = SandboxClient(connection_config=SandboxDirectConnectionConfig(api_url=sys.argv[1]))
sandbox = client.create_sandbox(warmpool="python-sandbox-warmpool", namespace="default", sandbox_ready_timeout=120)
try:
    result = sandbox.commands.run("echo 'Hello from Local!'")
    sandbox.files.write("greeting.txt", "hi from python")
    read_back = sandbox.files.read("greeting.txt")
    print(json.dumps({
        "stdout": result.stdout, "stderr": result.stderr, "exit_code": result.exit_code,
        "read": read_back.decode() if isinstance(read_back, bytes) else read_back,
        "exists": sandbox.files.exists("greeting.txt"),
    }))
finally:
    sandbox.terminate()
`;

let local: LocalHandle;

beforeAll(async () => {
  local = await startLocalForTest();
});

afterAll(async () => {
  await local?.stop();
});

test("the upstream Python SDK claims from the warm pool and runs commands and file calls", async () => {
  const stdout = await runProcessOk(["python3", "-c", script, local.routerUrl], {
    env: { ...process.env, KUBECONFIG: local.kubeconfigPath },
  });
  const lastLine = stdout.trim().split("\n").at(-1) ?? "";
  expect(JSON.parse(lastLine)).toEqual({
    stdout: "Hello from Local!\n",
    stderr: "",
    exit_code: 0,
    read: "hi from python",
    exists: true,
  });
}, 180_000);
