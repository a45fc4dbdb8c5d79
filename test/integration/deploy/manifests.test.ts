// deploy/manifests: generated from the chart (no drift), builds with kustomize, and puts the router where the
// controller's default NetworkPolicy admits it.

import { describe, expect, test } from "bun:test";
import { manifestsDir, staleFiles } from "../../../deploy/generate";
import { field, find, type K8sObject, parseObjects } from "./render";

const kustomize = (): K8sObject[] => {
  const proc = Bun.spawnSync(["kubectl", "kustomize", manifestsDir], { stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`kubectl kustomize failed: ${proc.stderr.toString()}`);
  return parseObjects(proc.stdout.toString());
};

describe("deploy/manifests", () => {
  test("the generated files match crds/ and the chart (run bun run deploy/generate.ts)", () => {
    expect(staleFiles()).toEqual([]);
  });

  const objects = kustomize();

  test("kustomize builds the namespace, CRDs, controller and router", () => {
    expect(find(objects, "Namespace", "agent-sandbox-system")).toBeDefined();
    expect(objects.filter((o) => o.kind === "CustomResourceDefinition")).toHaveLength(4);
    for (const [kind, name] of [
      ["Deployment", "agent-sandbox-controller"],
      ["Service", "agent-sandbox-webhook-service"],
      ["Deployment", "sandbox-router-deployment"],
      ["Service", "sandbox-router-svc"],
      ["PodDisruptionBudget", "sandbox-router-pdb"],
    ] as const) {
      expect(find(objects, kind, name).metadata.namespace).toBe("agent-sandbox-system");
    }
    expect(find(objects, "ClusterRole", "agent-sandbox-router-client")).toBeDefined();
  });

  test("no Helm-only labels leak into plain manifests", () => {
    const text = JSON.stringify(objects);
    expect(text).not.toContain("helm.sh/chart");
    expect(text).not.toContain("app.kubernetes.io/managed-by");
  });

  test("the router runs labelled app: sandbox-router in the namespace the controller admits (upstream #1409)", () => {
    const router = find(objects, "Deployment", "sandbox-router-deployment");
    expect(field(router, "spec.template.metadata.labels.app")).toBe("sandbox-router");
    expect(field(router, "spec.replicas")).toBe(2);
    const args: string[] = field(
      find(objects, "Deployment", "agent-sandbox-controller"),
      "spec.template.spec.containers.0.args",
    );
    expect(args).toContain(`--router-namespace=${router.metadata.namespace}`);
  });

  test("the webhook Service maps 443 to the controller's webhook port 9443", () => {
    const service = find(objects, "Service", "agent-sandbox-webhook-service");
    expect(field(service, "spec.ports")).toContainEqual({
      name: "https",
      port: 443,
      targetPort: "webhook",
      protocol: "TCP",
    });
    const controller = find(objects, "Deployment", "agent-sandbox-controller");
    expect(field(controller, "spec.template.spec.containers.0.ports")).toContainEqual({
      name: "webhook",
      containerPort: 9443,
      protocol: "TCP",
    });
  });
});
