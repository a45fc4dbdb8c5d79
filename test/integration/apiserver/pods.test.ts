// Pod subresources and lifecycle: log (from a file the node agent names, with follow), binding, and
// graceful deletion that the node agent finishes with gracePeriodSeconds=0.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, type Running, start } from "./helpers";

let env: Running;
let dir: string;
const PODS = "/api/v1/namespaces/default/pods";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "apiserver-pods-"));
  env = await start();
  env.server.setPodLogSource((ns, pod, container) =>
    ns === "default" && pod === "logger" ? join(dir, `${container}.log`) : undefined,
  );
});
afterAll(async () => {
  await env.server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pod = (name: string, containers = ["main"]) => ({
  metadata: { name },
  spec: { containers: containers.map((c) => ({ name: c, image: "busybox" })) },
});

describe("pods", () => {
  test("log reads the registered file, with tailLines and follow", async () => {
    await env.request("POST", PODS, pod("logger", ["main", "side"]));
    writeFileSync(join(dir, "main.log"), "one\ntwo\nthree\n");
    const missing = await env.request("GET", `${PODS}/logger/log`);
    expect(missing.status).toBe(400);
    expect(await (await env.request("GET", `${PODS}/logger/log?container=main`)).text()).toBe(
      "one\ntwo\nthree\n",
    );
    expect(await (await env.request("GET", `${PODS}/logger/log?container=main&tailLines=1`)).text()).toBe(
      "three\n",
    );
    const follow = await env.request("GET", `${PODS}/logger/log?container=main&follow=true`);
    const reader = follow.body!.getReader();
    let text = "";
    appendFileSync(join(dir, "main.log"), "four\n");
    await eventually(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes("four") ? true : undefined;
    });
    // Deleting the pod ends a follow.
    await env.request("DELETE", `${PODS}/logger`);
    await eventually(async () => ((await reader.read()).done ? true : undefined));
  });

  test("binding assigns a node once", async () => {
    await env.request("POST", PODS, pod("bind-me"));
    const bind = (node: string) =>
      env.request("POST", `${PODS}/bind-me/binding`, {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: "bind-me" },
        target: { kind: "Node", name: node },
      });
    expect((await bind("n1")).status).toBe(201);
    expect((await bind("n2")).status).toBe(409);
    const got = (await (await env.request("GET", `${PODS}/bind-me`)).json()) as {
      spec: { nodeName: string };
    };
    expect(got.spec.nodeName).toBe("n1");
  });

  test("pods on a live node terminate gracefully; grace 0 finishes them", async () => {
    await env.request("POST", "/api/v1/nodes", { metadata: { name: "local" } });
    await env.request("POST", PODS, {
      ...pod("graceful"),
      spec: { ...pod("graceful").spec, nodeName: "local" },
    });
    const marked = (await (await env.request("DELETE", `${PODS}/graceful`)).json()) as {
      metadata: { deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
    };
    expect(marked.metadata.deletionTimestamp).toBeString();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await env.request("GET", `${PODS}/graceful`)).status).toBe(200);
    await env.request("DELETE", `${PODS}/graceful?gracePeriodSeconds=0`);
    expect((await env.request("GET", `${PODS}/graceful`)).status).toBe(404);
    // Without a node the pod goes at once.
    await env.request("POST", PODS, pod("unscheduled"));
    await env.request("DELETE", `${PODS}/unscheduled`);
    expect((await env.request("GET", `${PODS}/unscheduled`)).status).toBe(404);
  });

  test("strategic merge patch merges containers by name", async () => {
    await env.request("POST", PODS, pod("smp", ["a", "b"]));
    const res = await env.request(
      "PATCH",
      `${PODS}/smp`,
      { metadata: { labels: { x: "1" } }, spec: { containers: [{ name: "b", image: "alpine" }] } },
      "application/strategic-merge-patch+json",
    );
    expect(res.status).toBe(200);
    const p = (await res.json()) as { spec: { containers: Array<{ name: string; image: string }> } };
    expect(p.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(["a=busybox", "b=alpine"]);
  });
});
