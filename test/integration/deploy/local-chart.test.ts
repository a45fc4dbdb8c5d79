// The whole chart applied to local mode with kubectl, then the article's client flow through the chart's own
// router: its Deployment runs as a local pod, `kubectl rollout status` waits for it, and the upstream Python
// SDK reaches it by its Service name, `sandbox-router-svc.<ns>.svc.cluster.local`, through local mode's
// cluster-name proxy (HTTP_PROXY) and Service proxy (ClusterIP -> router pod); a pod reaches it by the same
// name through local mode's hosts file.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { type LocalHandle, startLocalForTest } from "../../support/local";
import { runProcessOk } from "../../support/process";
import { renderChart } from "./render";

const NAMESPACE = "agent-sandbox";
const ROUTER_URL = `http://sandbox-router-svc.${NAMESPACE}.svc.cluster.local:8080`;

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

const kubectl = (args: string[], stdin?: string) =>
  runProcessOk(
    ["kubectl", "--kubeconfig", local.kubeconfigPath, ...args],
    stdin === undefined ? {} : { stdin },
  );

beforeAll(async () => {
  local = await startLocalForTest({ warmPoolReplicas: 0 });
}, 120_000);

afterAll(async () => {
  await local?.stop();
}, 60_000);

test("the chart's router, found by its Service name, serves the Python SDK's flow in local mode", async () => {
  // Everything the chart renders but the HTTPRoute: its kind comes from the Gateway API CRDs, which a
  // cluster's gateway installs and local mode does not have (there is no Gateway to attach it to either).
  const objects = renderChart({ values: { warmPool: { enabled: true, replicas: 1 } } }).filter(
    (o) => o.kind !== "HTTPRoute",
  );
  expect(objects.map((o) => o.kind)).toContain("Deployment");
  await kubectl(
    ["apply", "--server-side=false", "-f", "-"],
    `---\n${JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } })}\n${objects
      .map((o) => `---\n${JSON.stringify(o)}\n`)
      .join("")}`,
  );
  await kubectl([
    "rollout",
    "status",
    "deployment/sandbox-router-deployment",
    "-n",
    NAMESPACE,
    "--timeout=120s",
  ]);
  const clusterIP = await kubectl([
    "get",
    "service",
    "sandbox-router-svc",
    "-n",
    NAMESPACE,
    "-o",
    "jsonpath={.spec.clusterIP}",
  ]);
  expect(clusterIP).toMatch(/^127\.96\.\d+\.\d+$/);

  const stdout = await runProcessOk(["python3", "-c", script, ROUTER_URL], {
    env: {
      ...process.env,
      KUBECONFIG: local.kubeconfigPath,
      HTTP_PROXY: local.proxyUrl,
      http_proxy: local.proxyUrl,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    },
  });
  expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
    stdout: "Hello from Local!\n",
    exit_code: 0,
  });

  // The chart's router pod served it (not local mode's own router): its metrics count the requests. Its
  // listeners are on its pod IP, narrowed from the chart's wildcard binds.
  const podIP = await kubectl([
    "get",
    "pods",
    "-n",
    NAMESPACE,
    "-l",
    "app=sandbox-router",
    "-o",
    "jsonpath={.items[0].status.podIP}",
  ]);
  expect(podIP).toMatch(/^127\.1\.\d+\.\d+$/);
  const metrics = await (await fetch(`http://${podIP}:9090/metrics`)).text();
  const handled = metrics
    .split("\n")
    .filter((line) => line.startsWith("sandbox_router_requests_total{"))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  expect(handled).toBeGreaterThan(0);

  // Inside a pod the name resolves too (local mode's hosts file over the pod's /etc/hosts, under
  // bubblewrap), through the Service's ClusterIP to the router pod.
  const resolver = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "resolver", namespace: NAMESPACE },
    spec: {
      restartPolicy: "Never",
      containers: [
        {
          name: "python",
          image: "python:3.12",
          command: [
            "python3",
            "-c",
            `import urllib.request; print(urllib.request.urlopen("http://sandbox-router-svc.${NAMESPACE}.svc.cluster.local:8080/healthz").read().decode())`,
          ],
        },
      ],
    },
  };
  await kubectl(["apply", "-f", "-"], JSON.stringify(resolver));
  await kubectl([
    "wait",
    "--for=jsonpath={.status.phase}=Succeeded",
    "pod/resolver",
    "-n",
    NAMESPACE,
    "--timeout=60s",
  ]);
  expect(await kubectl(["logs", "resolver", "-n", NAMESPACE])).toContain('"status":"ok"');
}, 240_000);
