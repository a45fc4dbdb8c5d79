// The top level of a custom resource's structural schema, for test fixtures: the API server owns apiVersion,
// kind and metadata, so every schema declares them the same way; a fixture adds the rest.
import type { JSONSchemaProps } from "../../src/apiserver/schema";

export const resourceSchema = (
  properties: Readonly<Record<string, JSONSchemaProps>>,
  extra: Omit<JSONSchemaProps, "type" | "properties"> = {},
): JSONSchemaProps => ({
  type: "object",
  ...extra,
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    ...properties,
  },
});
