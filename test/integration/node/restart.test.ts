import { describe, expect, test } from "bun:test";
import { DEFAULT_RUNTIME_IMAGE, runNodeAgent } from "../../../src/node/index";
import {
  type AnyPod,
  clusterForSuite,
  condition,
  createPod,
  getPod,
  noProcessesWith,
  podWhere,
  processesWith,
} from "./harness";

const cluster = clusterForSuite({ isolation: "none" });

const ready = (p: AnyPod) => condition(p, "Ready") === "True";

describe("agent restart", () => {
  test("stopping the agent stops its pods; a new agent on the same state runs them again on the same IP", async () => {
    // Found through the runtime's environment, so other suites' runtimes on this machine do not count.
    const marker = `survivor-${crypto.randomUUID()}`;
    await createPod(cluster(), {
      name: "survivor",
      image: DEFAULT_RUNTIME_IMAGE,
      container: {
        env: [{ name: "TEST_MARKER", value: marker }],
        readinessProbe: { httpGet: { path: "/", port: 8888 }, periodSeconds: 1 },
      },
    });
    const before = await podWhere(cluster(), "survivor", ready, "Ready");
    const base = `http://${before.status.podIP}:8888`;
    const upload = new FormData();
    upload.append("file", new Blob(["kept"]), "note.txt");
    expect((await fetch(`${base}/upload`, { method: "POST", body: upload })).status).toBe(200);
    expect(processesWith(marker).length).toBeGreaterThan(0);

    await cluster().agent.stop();
    await noProcessesWith(marker, "the runtime to stop");

    const again = await runNodeAgent({
      stateDir: cluster().stateDir,
      nodeName: "test-node",
      isolation: "none",
      restartBackoff: { baseMs: 100, capMs: 400 },
      kube: { url: cluster().api.url, token: cluster().api.token },
    });
    try {
      const after = await podWhere(
        cluster(),
        "survivor",
        (p) =>
          ready(p) &&
          p.status.containerStatuses[0].state.running?.startedAt !==
            before.status.containerStatuses[0].state.running.startedAt,
        "Ready again",
      );
      expect(after.status.podIP).toBe(before.status.podIP);
      const read = await fetch(`${base}/download/note.txt`);
      expect(await read.text()).toBe("kept");
    } finally {
      await again.stop();
    }
    expect(await getPod(cluster(), "survivor")).toBeDefined();
  }, 90_000);
});
