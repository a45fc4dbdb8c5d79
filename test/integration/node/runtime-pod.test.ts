import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import { KubeClient } from "../../../src/kube/client";
import { refs } from "../../../src/kube/resources";
import { DEFAULT_RUNTIME_IMAGE } from "../../../src/node/index";
import { runProcess } from "../../support/process";
import {
  clusterForSuite,
  condition,
  createPod,
  eventually,
  getPod,
  noProcessesWith,
  podWhere,
  processesWith,
  removePod,
} from "./harness";

const cluster = clusterForSuite();

describe("node agent with the runtime image", () => {
  test("registers a Ready node with its log endpoint", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: reading status fields
    const node: any = await cluster().run(Effect.flatMap(KubeClient, (k) => k.get(refs.node, "test-node")));
    expect(node.status.conditions.find((c: { type: string }) => c.type === "Ready").status).toBe("True");
    expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBeGreaterThan(0);
    expect(node.status.addresses[0]).toEqual({ type: "InternalIP", address: "127.0.0.1" });
  });

  test("an unscheduled runtime pod is bound, becomes Ready on a 127.x IP and answers GET /", async () => {
    await createPod(cluster(), {
      name: "runtime",
      image: DEFAULT_RUNTIME_IMAGE,
      container: {
        ports: [{ containerPort: 8888 }],
        readinessProbe: { httpGet: { path: "/", port: 8888 }, periodSeconds: 1 },
      },
    });
    const pod = await podWhere(cluster(), "runtime", (p) => condition(p, "Ready") === "True", "Ready");
    expect(pod.spec.nodeName).toBe("test-node");
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.podIP).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(pod.status.podIPs).toEqual([{ ip: pod.status.podIP }]);
    for (const type of ["PodScheduled", "Initialized", "ContainersReady", "Ready"])
      expect(condition(pod, type)).toBe("True");
    expect(pod.status.containerStatuses[0]).toMatchObject({
      name: "main",
      ready: true,
      restartCount: 0,
      started: true,
    });
    const base = `http://${pod.status.podIP}:8888`;
    expect(await (await fetch(`${base}/`)).json()).toEqual({
      status: "ok",
      message: "Sandbox Runtime is active.",
    });
    const run = await fetch(`${base}/execute`, {
      method: "POST",
      body: JSON.stringify({ command: "echo 'Hello from Local!'" }),
    });
    expect(await run.json()).toEqual({ stdout: "Hello from Local!\n", stderr: "", exit_code: 0 });
  });

  test("the upstream Python SDK runs commands and files against the pod", async () => {
    const pod = await getPod(cluster(), "runtime");
    const script = [
      "import sys",
      "from k8s_agent_sandbox.connector import SandboxConnector",
      "from k8s_agent_sandbox.models import SandboxDirectConnectionConfig",
      "from k8s_agent_sandbox.commands.command_executor import CommandExecutor",
      "from k8s_agent_sandbox.files.filesystem import Filesystem",
      'c = SandboxConnector("runtime", "default", SandboxDirectConnectionConfig(api_url=sys.argv[1]), None)',
      'Filesystem(c, None, "t").write("hello.txt", b"from sdk")',
      'print(CommandExecutor(c, None, "t").run("cat hello.txt").stdout, end="")',
    ].join("\n");
    const { code, stdout, stderr } = await runProcess([
      "python3",
      "-c",
      script,
      `http://${pod.status.podIP}:8888`,
    ]);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toBe("from sdk");
  }, 60_000);

  test("deleting the pod stops it gracefully and removes the object", async () => {
    const pod = await getPod(cluster(), "runtime");
    const base = `http://${pod.status.podIP}:8888`;
    // A marker process inside the pod, findable from the host whatever the isolation.
    const marker = `marker-${crypto.randomUUID()}`;
    void fetch(`${base}/execute`, {
      method: "POST",
      body: JSON.stringify({ command: `python3 -c 'import time; time.sleep(600)' ${marker}` }),
    }).catch(() => undefined);
    await eventually(
      () => processesWith(marker),
      (pids) => pids.length > 0,
      "the marker process",
    );
    await removePod(cluster(), "runtime");
    await noProcessesWith(marker, "no process left");
    await eventually(
      () =>
        fetch(`${base}/`).then(
          () => "up",
          () => "down",
        ),
      (s) => s === "down",
      "the runtime to stop listening",
    );
  });
});
