// A Sandbox-like structural schema exercising every keyword the validator handles.
import type { JSONSchemaProps } from "../../../src/apiserver/schema";
import { resourceSchema } from "../../support/crd-schema";

export const sandboxSchema: JSONSchemaProps = resourceSchema({
  spec: {
    type: "object",
    required: ["podTemplate"],
    "x-kubernetes-validations": [
      {
        rule:
          "has(self.volumeClaimTemplates) == has(oldSelf.volumeClaimTemplates) && " +
          "(!has(self.volumeClaimTemplates) || self.volumeClaimTemplates == oldSelf.volumeClaimTemplates)",
        message: "volumeClaimTemplates is immutable",
      },
    ],
    properties: {
      replicas: { type: "integer", format: "int32", minimum: 0, maximum: 1, default: 1 },
      operatingMode: { type: "string", enum: ["Running", "Suspended"], default: "Running" },
      shutdownTime: { type: "string", format: "date-time" },
      name: { type: "string", minLength: 2, maxLength: 5, pattern: "^[a-z]+$" },
      port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
      labels: { type: "object", additionalProperties: { type: "string" } },
      note: { type: "string", nullable: true },
      tags: { type: "array", items: { type: "string" }, maxItems: 2, "x-kubernetes-list-type": "set" },
      podTemplate: {
        type: "object",
        properties: {
          spec: {
            type: "object",
            properties: {
              containers: {
                type: "array",
                minItems: 1,
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["name"],
                items: {
                  type: "object",
                  required: ["name"],
                  properties: {
                    name: { type: "string" },
                    image: { type: "string" },
                    imagePullPolicy: { type: "string", default: "IfNotPresent" },
                    ports: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          containerPort: { type: "integer" },
                          protocol: { type: "string", default: "TCP" },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        },
      },
      volumeClaimTemplates: {
        type: "array",
        "x-kubernetes-list-type": "atomic",
        items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      },
      resource: {
        type: "object",
        "x-kubernetes-embedded-resource": true,
        properties: { spec: { type: "object", properties: { size: { type: "string" } } } },
      },
    },
  },
  status: {
    type: "object",
    properties: {
      conditions: {
        type: "array",
        items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      },
    },
  },
});

export const validSandbox = () => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name: "s1" },
  spec: {
    replicas: 1,
    podTemplate: { spec: { containers: [{ name: "main", image: "python:3.12" }] } },
  },
});
