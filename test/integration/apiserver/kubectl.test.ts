// Conformance through the kubectl binary over HTTPS: CRDs from crds/, samples, printer columns, watch,
// cascading deletion, explain. kubectl must be installed; the suite fails (not skips) without it.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import * as k8s from "@kubernetes/client-node";
import { eventually } from "./helpers";
import { kubectlSuite } from "./kubectl-suite";

// Each kubectl run takes a second or more on a loaded machine; bun's default is 5 s per test.
setDefaultTimeout(60_000);

const { server, run: kubectl, ok, watch } = kubectlSuite("apiserver-kubectl-");

describe("kubectl", () => {
  test("discovery: api-resources lists built-ins", async () => {
    const out = await ok(["api-resources"]);
    expect(out).toContain("pods");
    expect(out).toContain("customresourcedefinitions");
    expect(out).toContain("leases");
  });

  test("apply -f crds/ serves the four kinds; samples apply; printer columns show", async () => {
    const applied = await ok(["apply", "-f", "crds/"]);
    expect(applied).toContain("sandboxes.agents.x-k8s.io created");
    await ok(["create", "-f", "-"], "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: agent-sandbox\n");
    await ok(["apply", "-f", "test/fixtures/v1beta1/python-sandbox-template.yaml"]);
    const again = await ok(["apply", "-f", "test/fixtures/v1beta1/python-sandbox-template.yaml"]);
    expect(again).toContain("unchanged");
    const table = await ok(["get", "sandboxtemplates", "-n", "agent-sandbox"]);
    expect(table).toContain("python-sandbox-template");
    expect(table.split("\n")[0]).toContain("NAME");
    await ok(["apply", "-f", "test/fixtures/v1beta1/sandbox.yaml"]);
    const sandboxes = await ok(["get", "sandboxes", "-n", "agent-sandbox"]);
    // The CRD's additionalPrinterColumns, not just NAME/AGE.
    expect(sandboxes.split("\n")[0]).toContain("READY");
    // Served in the older version too, through conversion.
    const alpha = await ok([
      "get",
      "sandboxes.v1alpha1.agents.x-k8s.io",
      "-n",
      "agent-sandbox",
      "-o",
      "jsonpath={.items[*].apiVersion}",
    ]);
    expect(alpha).toBe("agents.x-k8s.io/v1alpha1");
  });

  test("imperative create commands (sent as protobuf)", async () => {
    await ok(["create", "namespace", "imperative"]);
    await ok(["create", "configmap", "cfg", "-n", "imperative", "--from-literal=a=b"]);
    await ok(["create", "secret", "generic", "sec", "-n", "imperative", "--from-literal=pw=hunter2"]);
    await ok(["create", "serviceaccount", "bot", "-n", "imperative"]);
    expect(await ok(["get", "configmap", "cfg", "-n", "imperative", "-o", "jsonpath={.data.a}"])).toBe("b");
    const pw = await ok(["get", "secret", "sec", "-n", "imperative", "-o", "jsonpath={.data.pw}"]);
    expect(Buffer.from(pw, "base64").toString()).toBe("hunter2");
  });

  test("explain reads the CRD schema", async () => {
    const out = await ok(["explain", "sandboxes.spec"]);
    expect(out).toContain("podTemplate");
  });

  test("get pods -w receives events", async () => {
    const output = watch(["get", "pods", "-n", "default", "-w", "--output-watch-events"]);
    try {
      const core = server().kc.makeApiClient(k8s.CoreV1Api);
      // Keep creating until the watch has started and reports one of them.
      let n = 0;
      await eventually(async () => {
        await core.createNamespacedPod({
          namespace: "default",
          body: {
            metadata: { name: `watched-${n++}` },
            spec: { containers: [{ name: "c", image: "busybox" }] },
          },
        });
        return /ADDED\s+watched-\d+/.test(output.text()) ? true : undefined;
      });
      await core.deleteNamespacedPod({ namespace: "default", name: "watched-0" });
      await eventually(() => (/DELETED\s+watched-0/.test(output.text()) ? true : undefined));
    } finally {
      await output.stop();
    }
  });

  test("delete cascades through owner references (foreground and background)", async () => {
    for (const cascade of ["foreground", "background"]) {
      const owner = `owner-${cascade}`;
      await ok(
        ["create", "-f", "-"],
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${owner}\n  namespace: default\n`,
      );
      const uid = await ok(["get", "configmap", owner, "-o", "jsonpath={.metadata.uid}"]);
      await ok(
        ["apply", "-f", "-"],
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${owner}-dep\n  namespace: default\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: ${owner}\n    uid: ${uid}\n    blockOwnerDeletion: true\n`,
      );
      await ok(["delete", "configmap", owner, `--cascade=${cascade}`, "--wait=true", "--timeout=30s"]);
      await eventually(async () =>
        (await kubectl(["get", "configmap", `${owner}-dep`])).code !== 0 ? true : undefined,
      );
    }
  });

  test("delete --cascade=orphan keeps dependents and drops the reference", async () => {
    await ok(
      ["create", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: parent\n  namespace: default\n",
    );
    const uid = await ok(["get", "configmap", "parent", "-o", "jsonpath={.metadata.uid}"]);
    await ok(
      ["apply", "-f", "-"],
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child\n  namespace: default\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: parent\n    uid: ${uid}\n`,
    );
    await ok(["delete", "configmap", "parent", "--cascade=orphan"]);
    await eventually(async () =>
      (await kubectl(["get", "configmap", "parent"])).code !== 0 ? true : undefined,
    );
    const refs = await ok(["get", "configmap", "child", "-o", "jsonpath={.metadata.ownerReferences}"]);
    expect(refs).toBe("");
  });

  test("errors come back as kubectl prints them", async () => {
    const missing = await kubectl(["get", "configmap", "does-not-exist"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('configmaps "does-not-exist" not found');
    const unknown = await kubectl(["get", "nosuchkinds"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("doesn't have a resource type");
  });
});
