// A Sandbox-like CRD with printer columns, two served versions and status/scale subresources.
import { resourceSchema } from "../../support/crd-schema";

export const sandboxCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "sandboxes.agents.x-k8s.io" },
  spec: {
    group: "agents.x-k8s.io",
    scope: "Namespaced",
    names: {
      kind: "Sandbox",
      listKind: "SandboxList",
      plural: "sandboxes",
      singular: "sandbox",
      shortNames: ["sbx"],
    },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: false,
        deprecated: true,
        subresources: {
          status: {},
          scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
        },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { type: "object", properties: { replicas: { type: "integer" } } } },
          },
        },
      },
      {
        name: "v1beta1",
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: "Ready", type: "string", jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
          { name: "Reason", type: "string", jsonPath: ".status.conditions[?(@.type=='Ready')].reason" },
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
        ],
        schema: {
          openAPIV3Schema: resourceSchema(
            {
              spec: {
                type: "object",
                description: "SandboxSpec is the desired state of a Sandbox.",
                properties: {
                  operatingMode: {
                    type: "string",
                    description: "Whether the sandbox should run or be suspended.",
                    enum: ["Running", "Suspended"],
                  },
                  shutdownTime: { type: "string", format: "date-time", description: "Absolute expiry time." },
                },
              },
              status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            },
            { description: "Sandbox is an isolated environment for running agent code." },
          ),
        },
      },
      { name: "v0", served: false, storage: false },
    ],
  },
};

export const sandbox = (name: string, ready: "True" | "False", createdAgoMs: number, now: number) => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: {
    name,
    namespace: "default",
    uid: `uid-${name}`,
    resourceVersion: "7",
    creationTimestamp: new Date(now - createdAgoMs).toISOString().replace(/\.\d+Z$/, "Z"),
  },
  spec: { operatingMode: "Running" },
  status: {
    conditions: [
      { type: "Ready", status: ready, reason: ready === "True" ? "DependenciesReady" : "PodNotReady" },
    ],
  },
});
