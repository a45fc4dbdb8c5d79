import { describe, expect, test } from "bun:test";
import { bubblewrapWorks, chooseIsolation } from "../../../src/node/isolation";
import { clusterForSuite, createPod, eventually, podLog } from "./harness";

const bwrap = await bubblewrapWorks();

describe("choosing isolation", () => {
  test("auto picks bubblewrap exactly when it works here; none is always honoured", async () => {
    expect(await chooseIsolation("auto")).toBe(bwrap ? "bubblewrap" : "none");
    expect(await chooseIsolation("none")).toBe("none");
    expect(await chooseIsolation("auto", "/nonexistent/bwrap")).toBe("none");
  });
});

// Needs a machine where bubblewrap can create namespaces (root, or unprivileged user namespaces).
describe.if(bwrap)("a pod under bubblewrap", () => {
  const cluster = clusterForSuite({ isolation: "bubblewrap" });

  test("sees the host read-only, not the agent's state, has its own hostname, pids and writable /tmp", async () => {
    const script = [
      "touch /usr/agent-sandbox-probe 2>/dev/null && echo usr-writable || echo usr-readonly",
      `ls ${cluster().stateDir}/pods >/dev/null 2>&1 && echo state-visible || echo state-hidden`,
      "hostname",
      'test "$$$$" -lt 10 && echo own-pids || echo host-pids',
      "echo x > /tmp/t && echo tmp-writable",
      "echo y > here && echo workdir-writable",
    ].join("; ");
    await createPod(cluster(), {
      name: "jailed",
      restartPolicy: "Never",
      command: ["sh", "-c", script],
      container: { workingDir: "/work" },
    });
    const log = await eventually(
      () => podLog(cluster(), "jailed"),
      (l) => l.split("\n").length >= 7,
      "the report",
    );
    expect(log).toBe("usr-readonly\nstate-hidden\njailed\nown-pids\ntmp-writable\nworkdir-writable\n");
  }, 60_000);
});
