// The real kubectl against the documents this module builds (served by a test-only harness).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_RESOURCES, fromCRD } from "../../../src/apiserver/discovery";
import { sandbox, sandboxCrd } from "./fixtures";
import { type Harness, startHarness } from "./harness";

if (!Bun.which("kubectl")) throw new Error("kubectl is not installed: these tests need /usr/bin/kubectl");

const now = Date.now();
const resources = [...BUILTIN_RESOURCES, ...fromCRD(sandboxCrd)];
const objects = {
  "agents.x-k8s.io/sandboxes": [
    sandbox("alpha", "True", 65_000, now),
    sandbox("beta", "False", 10 * 3600_000, now),
  ],
  "/pods": [
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "web",
        namespace: "default",
        creationTimestamp: new Date(now - 30_000).toISOString(),
      },
      spec: { containers: [{ name: "a" }, { name: "b" }] },
      status: {
        phase: "Running",
        podIP: "127.0.1.5",
        containerStatuses: [
          { name: "a", ready: true, restartCount: 0, state: { running: {} } },
          { name: "b", ready: false, restartCount: 2, state: { waiting: { reason: "CrashLoopBackOff" } } },
        ],
      },
    },
  ],
};
/** An object in namespace default as an earlier `kubectl apply` left it: with its last-applied annotation. */
const applied = (apiVersion: string, kind: string, name: string, content: Record<string, unknown>) => {
  const object = { apiVersion, kind, metadata: { name, namespace: "default" }, ...content };
  const annotations = { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(object) };
  return { ...object, metadata: { ...object.metadata, annotations } };
};
const existing = {
  "agents.x-k8s.io/sandboxes": [
    applied("agents.x-k8s.io/v1beta1", "Sandbox", "s1", { spec: { operatingMode: "Suspended" } }),
  ],
  "/configmaps": [applied("v1", "ConfigMap", "c1", { data: { a: "old" } })],
};
const manifests = `apiVersion: agents.x-k8s.io/v1beta1
kind: Sandbox
metadata: {name: s1}
spec: {operatingMode: Running}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c1}
data: {a: b}
`;

for (const aggregated of [true, false]) {
  describe(`kubectl with ${aggregated ? "aggregated" : "legacy"} discovery`, () => {
    let h: Harness;
    let dir: string;
    beforeAll(() => {
      h = startHarness(resources, objects, { aggregated });
      dir = mkdtempSync(join(tmpdir(), "discovery-manifests-"));
      writeFileSync(join(dir, "m.yaml"), manifests);
    });
    afterAll(async () => {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test("api-resources lists built-ins and the CRD's preferred version", async () => {
      const r = await h.kubectl("api-resources", "--no-headers");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const lines = r.stdout.split("\n").map((l) => l.trim().split(/\s+/));
      expect(lines).toContainEqual(["sandboxes", "sbx", "agents.x-k8s.io/v1beta1", "true", "Sandbox"]);
      expect(lines).toContainEqual(["pods", "po", "v1", "true", "Pod"]);
      expect(lines).toContainEqual([
        "customresourcedefinitions",
        "crd,crds",
        "apiextensions.k8s.io/v1",
        "false",
        "CustomResourceDefinition",
      ]);
      const discovery = h.requests.filter((q) => q.path === "/api" || q.path === "/apis");
      expect(discovery.length).toBeGreaterThan(0);
      // Legacy discovery walks every group/version; aggregated gets it all from /api and /apis.
      expect(h.requests.some((q) => q.path === "/apis/agents.x-k8s.io/v1beta1")).toBe(!aggregated);
    });

    test("get prints the CRD's printer columns", async () => {
      const r = await h.kubectl("get", "sandboxes");
      expect(r.code).toBe(0);
      const rows = r.stdout
        .trim()
        .split("\n")
        .map((l) => l.trim().split(/\s+/));
      expect(rows).toEqual([
        ["NAME", "READY", "REASON", "AGE"],
        ["alpha", "True", "DependenciesReady", expect.stringMatching(/^\d+s$|^\d+m(\d+s)?$/)],
        ["beta", "False", "PodNotReady", "10h"],
      ]);
    });

    test("get pods prints kubectl's pod columns", async () => {
      const r = await h.kubectl("get", "pods", "-o", "wide");
      expect(r.code).toBe(0);
      const [header, row] = r.stdout.trim().split("\n");
      expect(header?.split(/\s{2,}/)).toEqual([
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
      ]);
      expect(row?.split(/\s{2,}/).slice(0, 4)).toEqual(["web", "1/2", "CrashLoopBackOff", "2"]);
    });

    test("explain reads the CRD schema from OpenAPI v3", async () => {
      const r = await h.kubectl("explain", "sandboxes.spec");
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("KIND:       Sandbox");
      expect(r.stdout).toContain("VERSION:    v1beta1");
      expect(r.stdout).toContain("SandboxSpec is the desired state of a Sandbox.");
      expect(r.stdout).toMatch(/operatingMode\s+<string>\s+enum: Running, Suspended/);
    });

    test("explain describes nested fields of built-ins modelled in src/api", async () => {
      const r = await h.kubectl("explain", "pods.spec.containers.ports");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/containerPort\s+<integer> -required-/);
    });

    test("explain of a built-in and of metadata", async () => {
      const r = await h.kubectl("explain", "pods.metadata.labels");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("FIELD: labels <map[string]string>");
      expect(r.stdout).toContain("Map of string keys and values");
    });

    test("client-side apply asks for server-side field validation on custom and built-in kinds", async () => {
      const r = await h.kubectl("apply", "-f", join(dir, "m.yaml"));
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("sandbox.agents.x-k8s.io/s1 created");
      expect(r.stdout).toContain("configmap/c1 created");
      const posts = h.requests.filter((q) => q.method === "POST");
      expect(posts.map((q) => q.path)).toEqual([
        "/apis/agents.x-k8s.io/v1beta1/namespaces/default/sandboxes",
        "/api/v1/namespaces/default/configmaps",
      ]);
      for (const p of posts) expect(new URLSearchParams(p.query).get("fieldValidation")).toBe("Strict");
      const body = JSON.parse(posts[0]!.body);
      expect(body.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain(
        '"name":"s1"',
      );
    });

    test("client-side apply of changes: strategic merge for built-ins (compiled-in types), merge patch for CRs", async () => {
      const u = startHarness(resources, existing, { aggregated });
      try {
        const r = await u.kubectl("apply", "-f", join(dir, "m.yaml"));
        expect(r.stderr).toBe("");
        expect(r.stdout).toContain("sandbox.agents.x-k8s.io/s1 configured");
        const patches = u.requests.filter((q) => q.method === "PATCH");
        expect(patches.map((q) => `${q.path} ${q.contentType}`)).toEqual([
          "/apis/agents.x-k8s.io/v1beta1/namespaces/default/sandboxes/s1 application/merge-patch+json",
          "/api/v1/namespaces/default/configmaps/c1 application/strategic-merge-patch+json",
        ]);
        expect(JSON.parse(patches[0]!.body).spec).toEqual({ operatingMode: "Running" });
        expect(JSON.parse(patches[1]!.body).data).toEqual({ a: "b" });
      } finally {
        await u.stop();
      }
    });

    test("server-side apply sends apply patches", async () => {
      await h.kubectl("apply", "--server-side", "-f", join(dir, "m.yaml"));
      const patches = h.requests.filter((q) => q.method === "PATCH");
      expect(patches.map((q) => q.contentType)).toEqual([
        "application/apply-patch+yaml",
        "application/apply-patch+yaml",
      ]);
    });
  });
}
