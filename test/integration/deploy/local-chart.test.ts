// The chart's sandbox objects applied to local mode, then the upstream Python SDK's client flow against
// them: the default SandboxTemplate (hardened, our runtime image) and a warm pool from the chart, a claim
// through the SDK, a command run through the router.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { type LocalHandle, startLocalForTest } from "../../support/local";
import { renderChart } from "./render";

const NAMESPACE = "agent-sandbox";

const script = `
import json, sys
from k8s_agent_sandbox import SandboxClient
from k8s_agent_sandbox.models import SandboxDirectConnectionConfig

client = SandboxClient(connection_config=SandboxDirectConnectionConfig(api_url=sys.argv[1]))
sandbox = client.create_sandbox(warmpool="python-sandbox-warmpool", namespace="${NAMESPACE}", sandbox_ready_timeout=120)
try:
    result = sandbox.commands.run("echo 'Hello from Local!'")
    print(json.dumps({"stdout": result.stdout, "exit_code": result.exit_code}))
finally:
    sandbox.terminate()
`;

let local: LocalHandle;

const kubectl = async (args: string[], stdin?: string) => {
  const proc = Bun.spawn(["kubectl", "--kubeconfig", local.kubeconfigPath, ...args], {
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${code}):\n${stderr}`);
  return stdout;
};

beforeAll(async () => {
  local = await startLocalForTest({ warmPoolReplicas: 0 });
}, 120_000);

afterAll(async () => {
  await local?.stop();
}, 60_000);

test("the chart's template and warm pool serve the Python SDK's flow in local mode", async () => {
  // Local mode runs no Deployments: its own router stands in for sandbox-router-deployment.
  const objects = renderChart({ values: { warmPool: { enabled: true, replicas: 1 } } }).filter((o) =>
    ["SandboxTemplate", "SandboxWarmPool", "ClusterRole"].includes(o.kind),
  );
  await kubectl(
    ["apply", "--server-side=false", "-f", "-"],
    `---\n${JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } })}\n${objects
      .map((o) => `---\n${JSON.stringify(o)}\n`)
      .join("")}`,
  );
  const proc = Bun.spawn(["python3", "-c", script, local.routerUrl], {
    env: { ...process.env, KUBECONFIG: local.kubeconfigPath },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`python exited ${code}:\n${stderr}`);
  expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
    stdout: "Hello from Local!\n",
    exit_code: 0,
  });
}, 180_000);
