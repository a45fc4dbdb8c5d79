import { expect, test } from "bun:test";
import { SandboxIndex } from "../../../src/router/sandboxIndex";

const sandbox = (name: string, ready: boolean, podIPs: string[], namespace = "team") => ({
  metadata: { name, namespace },
  status: { podIPs, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

test("only ready sandboxes with a pod IP are routable", () => {
  const index = new SandboxIndex();
  index.upsertSandbox(sandbox("a", true, ["10.0.0.1"]));
  index.upsertSandbox(sandbox("b", false, ["10.0.0.2"]));
  index.upsertSandbox(sandbox("c", true, []));
  expect(index.lookup("team", "a")).toBe("10.0.0.1");
  expect(index.lookup("team", "b")).toBeUndefined();
  expect(index.lookup("team", "c")).toBeUndefined();
  expect(index.lookup("other", "a")).toBeUndefined();
  // Becoming unready removes the entry.
  index.upsertSandbox(sandbox("a", false, ["10.0.0.1"]));
  expect(index.lookup("team", "a")).toBeUndefined();
  expect(index.size).toBe(0);
});

test("IPv6 pod IPs are bracketed; unparseable ones are skipped", () => {
  const index = new SandboxIndex();
  index.upsertSandbox(sandbox("v6", true, ["garbage", "fd00::7"]));
  expect(index.lookup("team", "v6")).toBe("[fd00::7]");
});

test("claim names resolve to the bound sandbox (both status key spellings)", () => {
  const index = new SandboxIndex();
  index.upsertSandbox(sandbox("pool-abcde", true, ["10.0.0.9"]));
  index.upsertClaim({
    metadata: { name: "my-claim", namespace: "team" },
    status: { sandbox: { name: "pool-abcde" } },
  });
  index.upsertClaim({
    metadata: { name: "old-claim", namespace: "team" },
    status: { sandbox: { Name: "pool-abcde" } },
  });
  expect(index.lookup("team", "my-claim")).toBe("10.0.0.9");
  expect(index.lookup("team", "old-claim")).toBe("10.0.0.9");
  index.deleteClaim({ metadata: { name: "my-claim", namespace: "team" } });
  expect(index.lookup("team", "my-claim")).toBeUndefined();
  index.deleteSandbox({ metadata: { name: "pool-abcde", namespace: "team" } });
  expect(index.lookup("team", "old-claim")).toBeUndefined();
});

test("objects without a name are ignored; namespace defaults to default", () => {
  const index = new SandboxIndex();
  index.upsertSandbox({
    metadata: {},
    status: { podIPs: ["10.0.0.1"], conditions: [{ type: "Ready", status: "True" }] },
  });
  index.upsertSandbox({
    metadata: { name: "x" },
    status: { podIPs: ["10.0.0.3"], conditions: [{ type: "Ready", status: "True" }] },
  });
  expect(index.size).toBe(1);
  expect(index.lookup("default", "x")).toBe("10.0.0.3");
  expect(index.isSynced).toBe(false);
  index.markSynced();
  expect(index.isSynced).toBe(true);
});

test("host:port for a sandbox is one string per port, rebuilt when the port or the pod changes", () => {
  const index = new SandboxIndex();
  index.upsertSandbox(sandbox("a", true, ["10.0.0.1"]));
  const first = index.lookupHostPort("team", "a", 8888);
  expect(first).toBe("10.0.0.1:8888");
  expect(index.lookupHostPort("team", "a", 9000)).toBe("10.0.0.1:9000");
  expect(index.lookupHostPort("team", "a", 8888)).toBe("10.0.0.1:8888");
  index.upsertSandbox(sandbox("a", true, ["10.0.0.2"]));
  expect(index.lookupHostPort("team", "a", 8888)).toBe("10.0.0.2:8888");
  expect(index.lookupHostPort("team", "missing", 8888)).toBeUndefined();
});
