import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument, visit } from "yaml";
import { customResourceDefinitions, RESOURCES, renderCrdFiles } from "../../../src/api";
import { checkStructural, validateUpdate } from "../../../src/apiserver/schema";
import { loadFixture } from "../../fixtures";
import { crdSchemaFor } from "./crdSchema";

const CRD_DIR = join(import.meta.dir, "../../../crds");

describe("generated CRDs", () => {
  const files = renderCrdFiles();

  test("crds/ holds exactly what the generator renders", () => {
    const present = readdirSync(CRD_DIR).filter((name) => name.endsWith(".yaml"));
    expect(present.sort()).toEqual([...files.keys()].sort());
    for (const [name, contents] of files) expect(readFileSync(join(CRD_DIR, name), "utf8")).toBe(contents);
  });

  test("rendering is deterministic", () => {
    expect([...renderCrdFiles()]).toEqual([...files]);
  });

  test.each([...files.keys()])("%s is plain YAML: no anchors or aliases", (name) => {
    let shared = 0;
    visit(parseDocument(files.get(name)!), {
      Alias: () => void shared++,
      Node: (_, node) => void (node.anchor ? shared++ : undefined),
    });
    expect(shared).toBe(0);
  });

  test.each([...files.keys()])("%s parses as a CustomResourceDefinition with structural schemas", (name) => {
    const crd = parse(files.get(name)!);
    expect(crd.apiVersion).toBe("apiextensions.k8s.io/v1");
    expect(crd.kind).toBe("CustomResourceDefinition");
    for (const [i, version] of crd.spec.versions.entries()) {
      expect(
        checkStructural(version.schema.openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`),
      ).toEqual([]);
    }
  });

  test("names, versions and conversion follow upstream", () => {
    const crds = customResourceDefinitions();
    expect(crds.map((c) => c.metadata.name)).toEqual(RESOURCES.map((r) => `${r.plural}.${r.group}`));
    for (const crd of crds) {
      const [storage, served] = crd.spec.versions;
      expect([storage?.name, storage?.storage, storage?.served]).toEqual(["v1beta1", true, true]);
      expect(storage && "deprecated" in storage).toBe(false);
      expect([served?.name, served?.storage, served?.served]).toEqual(["v1alpha1", false, true]);
      expect(served && "deprecated" in served && served.deprecated).toBe(true);
      expect(crd.spec.conversion).toEqual({
        strategy: "Webhook",
        webhook: {
          conversionReviewVersions: ["v1", "v1beta1"],
          clientConfig: {
            service: {
              name: "agent-sandbox-webhook-service",
              namespace: "agent-sandbox-system",
              path: "/convert",
              port: 9443,
            },
          },
        },
      });
    }
    const shortNames = Object.fromEntries(crds.map((c) => [c.spec.names.kind, c.spec.names.shortNames]));
    expect(shortNames).toEqual({
      Sandbox: ["sandbox"],
      SandboxTemplate: ["sandboxtemplate"],
      SandboxClaim: ["sandboxclaim"],
      SandboxWarmPool: ["swp"],
    });
  });

  test("subresources: scale only where upstream has it", () => {
    const subresources = Object.fromEntries(
      customResourceDefinitions().map((c) => [
        c.spec.names.kind,
        c.spec.versions.map((v) => ("subresources" in v ? Object.keys(v.subresources).sort() : [])),
      ]),
    );
    expect(subresources).toEqual({
      Sandbox: [["status"], ["scale", "status"]],
      SandboxTemplate: [[], []],
      SandboxClaim: [["status"], ["status"]],
      SandboxWarmPool: [
        ["scale", "status"],
        ["scale", "status"],
      ],
    });
  });

  test("schemas carry defaults, enums, bounds and the immutability rule", () => {
    const sandbox = parse(files.get("agents.x-k8s.io_sandboxes.yaml")!);
    const [beta, alpha] = sandbox.spec.versions;
    const betaSpec = beta.schema.openAPIV3Schema.properties.spec;
    expect(betaSpec.properties.operatingMode).toEqual({
      type: "string",
      enum: ["Running", "Suspended"],
      default: "Running",
    });
    expect(betaSpec.properties.shutdownPolicy.default).toBe("Retain");
    expect(betaSpec.required).toEqual(["podTemplate"]);
    expect(betaSpec["x-kubernetes-validations"][0].message).toBe("volumeClaimTemplates is immutable");
    expect(betaSpec.properties.podTemplate.properties.spec["x-kubernetes-preserve-unknown-fields"]).toBe(
      true,
    );
    const replicas = alpha.schema.openAPIV3Schema.properties.spec.properties.replicas;
    expect(replicas).toEqual({ type: "integer", format: "int32", minimum: 0, maximum: 1, default: 1 });
    const pool = parse(files.get("extensions.agents.x-k8s.io_sandboxwarmpools.yaml")!);
    expect(pool.spec.versions[1].schema.openAPIV3Schema.properties.spec.required).toEqual([
      "replicas",
      "sandboxTemplateRef",
    ]);
    const claim = parse(files.get("extensions.agents.x-k8s.io_sandboxclaims.yaml")!);
    expect(claim.spec.versions[0].schema.openAPIV3Schema.properties.spec.required).toEqual(["warmPoolRef"]);
    expect(claim.spec.versions[1].schema.openAPIV3Schema.properties.spec.properties.warmpool.default).toBe(
      "default",
    );
  });
});

describe("volumeClaimTemplates immutability (CEL transition rule on v1beta1 Sandbox spec)", () => {
  const sandbox = loadFixture("v1beta1/sandbox.yaml");
  const schema = crdSchemaFor(sandbox);
  const withTemplates = (templates: unknown) => ({
    ...sandbox,
    spec: { ...(sandbox.spec as object), volumeClaimTemplates: templates },
  });
  const workspace = [
    { metadata: { name: "workspace" }, spec: { resources: { requests: { storage: "1Gi" } } } },
  ];

  test("unchanged templates and other spec edits are allowed", () => {
    expect(validateUpdate(schema, withTemplates(workspace), withTemplates(workspace))).toEqual([]);
    const suspended = { ...sandbox, spec: { ...(sandbox.spec as object), operatingMode: "Suspended" } };
    expect(validateUpdate(schema, suspended, sandbox)).toEqual([]);
  });

  test.each([
    ["added", withTemplates(workspace), sandbox],
    ["removed", sandbox, withTemplates(workspace)],
    ["changed", withTemplates([{ ...workspace[0], metadata: { name: "other" } }]), withTemplates(workspace)],
  ])("templates %s after creation are rejected", (_, updated, old) => {
    const causes = validateUpdate(schema, updated, old);
    expect(causes.map((c) => c.field)).toEqual(["spec"]);
    expect(causes[0]?.message).toContain("volumeClaimTemplates is immutable");
  });
});
