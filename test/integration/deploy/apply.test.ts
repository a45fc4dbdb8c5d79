// Every rendered chart object (default and non-default values) and every manifest under deploy/ applied with
// kubectl to the embedded API server: our CRDs validate the custom objects server-side, core kinds are stored.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chartDir, manifestsDir } from "../../../deploy/generate";
import { type Cluster, startCluster } from "./kubectl";
import { helmValueArgs, type K8sObject, NON_DEFAULT_VALUES, parseObjects, renderChartText } from "./render";

// biome-ignore lint/suspicious/noExplicitAny: reads fields of rendered objects
type Obj = Record<string, any>;

let cluster: Cluster;

const toYamlStream = (objects: ReadonlyArray<K8sObject>): string =>
  objects.map((o) => `---\n${JSON.stringify(o)}\n`).join("");

/** Applies objects and reads them all back; returns what the server stored as Kind/namespace/name. */
const applyAndGet = async (objects: ReadonlyArray<K8sObject>): Promise<string[]> => {
  const yaml = toYamlStream(objects);
  await cluster.apply(yaml);
  const stored = JSON.parse(await cluster.kubectlOk(["get", "-f", "-", "-o", "json"], yaml)) as {
    items: K8sObject[];
  };
  return stored.items.map(id).sort();
};

const id = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

const ensureNamespaces = async (...names: string[]) => {
  const namespaces = names.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
  await cluster.apply(toYamlStream(namespaces as K8sObject[]));
};

beforeAll(async () => {
  cluster = await startCluster();
  // The CRDs first (ours from the chart, and the Gateway API route), so the custom objects have a schema.
  const crds = parseObjects(renderChartText({ values: { crds: { install: true } } })).filter(
    (o) => o.kind === "CustomResourceDefinition",
  );
  await cluster.apply(
    `${toYamlStream(crds)}---\n${readFileSync(join(import.meta.dir, "fixtures/httproute-crd.yaml"), "utf8")}`,
  );
  await cluster.kubectlOk(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 30_000);

describe("kubectl apply to the embedded API server", () => {
  test("the chart with default values", async () => {
    await ensureNamespaces("agent-sandbox");
    const objects = parseObjects(renderChartText());
    expect(await applyAndGet(objects)).toEqual(objects.map(id).sort());
  }, 60_000);

  test("the chart with non-default values (controller, CRDs, token auth, warm pool, Falco, gVisor)", async () => {
    await ensureNamespaces("team-sandboxes", "falco");
    const objects = parseObjects(renderChartText({ values: NON_DEFAULT_VALUES }));
    expect(await applyAndGet(objects)).toEqual(objects.map(id).sort());
  }, 60_000);

  test("deploy/manifests with kustomize", async () => {
    await cluster.kubectlOk(["apply", "--server-side=false", "-k", manifestsDir]);
    const built = await cluster.kubectlOk(["kustomize", manifestsDir]);
    const objects = parseObjects(built);
    expect(objects.length).toBeGreaterThan(10);
    const stored = JSON.parse(await cluster.kubectlOk(["get", "-f", "-", "-o", "json"], built)) as {
      items: K8sObject[];
    };
    expect(stored.items.map(id).sort()).toEqual(objects.map(id).sort());
  }, 60_000);

  test("the stored SandboxTemplate keeps the hardening the chart rendered", async () => {
    const template = JSON.parse(
      await cluster.kubectlOk([
        "get",
        "sandboxtemplates.v1beta1.extensions.agents.x-k8s.io",
        "python-sandbox-template",
        "-n",
        "team-sandboxes",
        "-o",
        "json",
      ]),
    );
    const pod = template.spec.podTemplate.spec;
    expect(pod.runtimeClassName).toBe("gvisor");
    expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(pod.containers[0].securityContext.capabilities).toEqual({ drop: ["ALL"] });
  }, 60_000);

  test("helm install --dry-run prints NOTES with the article's test Job bound to the client ClusterRole", async () => {
    const notes = await cluster.helmOk([
      "install",
      "test-router",
      chartDir,
      "--dry-run=client",
      "--namespace",
      "agent-sandbox",
      ...helmValueArgs({
        namespace: "test-agent-sandbox",
        sandboxTemplate: { namespace: "test-agent-sandbox" },
      }),
    ]);
    const text = notes.slice(notes.indexOf("NOTES:"));
    expect(text).toContain("name: test-router-agent-sandbox-router-client");
    expect(text).toContain('template_name="python-sandbox-template"');
    expect(text).toContain('api_url="http://sandbox-router-svc.test-agent-sandbox.svc.cluster.local:8080"');
    expect(text).toContain("--router-namespace=test-agent-sandbox");
    // The objects in NOTES are valid: the server accepts them all, the batch/v1 Job included.
    const yaml = text.slice(text.indexOf("apiVersion: v1\nkind: ServiceAccount"), text.indexOf("YAML\n\n"));
    const objects = parseObjects(yaml);
    expect(objects.map((o) => o.kind)).toEqual(["ServiceAccount", "ClusterRoleBinding", "ConfigMap", "Job"]);
    const job = objects.find((o) => o.kind === "Job")!;
    expect((job.spec as Obj).template.spec).toMatchObject({
      serviceAccountName: "sandbox-client",
      containers: [{ image: "python:3.12-slim" }],
    });
    await ensureNamespaces("test-agent-sandbox");
    await cluster.kubectlOk(
      ["apply", "--server-side=false", "--dry-run=server", "-n", "test-agent-sandbox", "-f", "-"],
      toYamlStream(objects),
    );
  }, 60_000);

  test("our CRDs validate server-side: a template with a bad enum is rejected", async () => {
    const [template] = parseObjects(renderChartText()).filter((o) => o.kind === "SandboxTemplate");
    const bad = {
      ...template!,
      spec: { ...(template!.spec as object), networkPolicyManagement: "Sometimes" },
    };
    const result = await cluster.kubectl(
      ["apply", "--server-side=false", "--dry-run=server", "-f", "-"],
      JSON.stringify(bad),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("networkPolicyManagement");
  }, 60_000);
});
