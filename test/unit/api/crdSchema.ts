// Looks up the CRD schema an object of ours is validated against (its kind and apiVersion).
import { customResourceDefinitions } from "../../../src/api";
import type { JSONSchemaProps } from "../../../src/apiserver/schema";

export const versionOf = (object: Record<string, unknown>): string =>
  String(object.apiVersion).split("/")[1]!;

// Generated once: walking the Schema ASTs for every property-test run would dominate the suite's time.
const crds = customResourceDefinitions();

export const crdSchemaFor = (object: Record<string, unknown>): JSONSchemaProps => {
  const crd = crds.find((c) => c.spec.names.kind === object.kind)!;
  // src/api types schemas as plain JSON; the API server's validator types the keywords it reads.
  return crd.spec.versions.find((v) => v.name === versionOf(object))!.schema
    .openAPIV3Schema as JSONSchemaProps;
};
