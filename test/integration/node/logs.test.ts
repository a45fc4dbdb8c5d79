import { describe, expect, test } from "bun:test";
import { clusterForSuite, createPod, eventually, podLog, podWhere } from "./harness";

const cluster = clusterForSuite({ isolation: "none" });

const kubelet = (path: string) => fetch(`${cluster().agent.logUrl}/containerLogs/default/${path}`);

describe("container logs", () => {
  test("tail, limit and previous run, through the kubelet endpoint and the API server", async () => {
    // The first run prints three lines and fails; the second writes to stderr and succeeds.
    const script =
      "if [ -f ran ]; then echo oops >&2; exit 0; fi; touch ran; echo line1; echo line2; echo line3; exit 1";
    await createPod(cluster(), {
      name: "counter",
      restartPolicy: "OnFailure",
      command: ["sh", "-c", script],
      container: { workingDir: "/work" },
    });
    await podWhere(cluster(), "counter", (p) => p.status?.phase === "Succeeded", "Succeeded");
    expect(await (await kubelet("counter/main")).text()).toBe("oops\n");
    expect(await (await kubelet("counter/main?previous=true")).text()).toBe("line1\nline2\nline3\n");
    expect(await (await kubelet("counter/main?previous=true&tailLines=2")).text()).toBe("line2\nline3\n");
    expect(await (await kubelet("counter/main?previous=true&limitBytes=3")).text()).toBe("lin");
    expect(await podLog(cluster(), "counter")).toBe("oops\n");
    const inProcess = cluster().agent.logs({ namespace: "default", pod: "counter", container: "main" });
    expect(await inProcess.text()).toBe("oops\n");
  }, 60_000);

  test("unknown pods and containers that never ran are reported as Kubernetes Status errors", async () => {
    const missing = await kubelet("nope/main");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: "Status", reason: "NotFound" });
    await createPod(cluster(), { name: "pulling", image: "nginx:1" });
    await podWhere(cluster(), "pulling", (p) => p.status?.containerStatuses !== undefined, "a status");
    const never = await kubelet("pulling/main");
    expect(never.status).toBe(400);
    expect(((await never.json()) as { message: string }).message).toContain("has not started");
  });

  test("follow streams output as it is written", async () => {
    await createPod(cluster(), {
      name: "ticker",
      command: ["sh", "-c", "echo a; sleep 1; echo b; exec sleep 600"],
    });
    await eventually(
      () => podLog(cluster(), "ticker"),
      (l) => l.startsWith("a\n"),
      "the first line",
    );
    const abort = new AbortController();
    const res = await fetch(`${cluster().agent.logUrl}/containerLogs/default/ticker/main?follow=true`, {
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("b\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(text).toBe("a\nb\n");
  }, 60_000);
});
