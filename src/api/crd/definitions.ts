// The CustomResourceDefinitions of the four kinds, built from the Schemas in src/api plus the CRD-only facts
// (printer columns, subresources, deprecation, conversion webhook) that mirror upstream's CRDs.
import type { Schema } from "effect";
import {
  CONTROLLER_NAMESPACE,
  type ResourceDescriptor,
  SANDBOX,
  SANDBOX_CLAIM,
  SANDBOX_TEMPLATE,
  SANDBOX_WARM_POOL,
  V1ALPHA1,
  V1BETA1,
  WEBHOOK_PATH,
  WEBHOOK_PORT,
  WEBHOOK_SERVICE_NAME,
} from "../names";
import * as v1alpha1 from "../v1alpha1/index";
import * as v1beta1 from "../v1beta1/index";
import { type JSONSchemaProps, toStructural } from "./structural";

interface PrinterColumn {
  readonly name: string;
  readonly type: "string" | "integer" | "date";
  readonly jsonPath: string;
}

interface Subresources {
  readonly status?: Record<string, never>;
  readonly scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

interface VersionDefinition {
  readonly name: string;
  readonly schema: Schema.Schema.Any;
  readonly printerColumns: ReadonlyArray<PrinterColumn>;
  readonly subresources?: Subresources;
}

const readyColumn: PrinterColumn = {
  name: "Ready",
  type: "string",
  jsonPath: ".status.conditions[?(@.type=='Ready')].status",
};
const reasonColumn: PrinterColumn = {
  name: "Reason",
  type: "string",
  jsonPath: ".status.conditions[?(@.type=='Ready')].reason",
};
const ageColumn: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };
const status = { status: {} };
const scale = (labelSelectorPath = ".status.selector") => ({
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
  labelSelectorPath,
});

/**
 * Both warm-pool versions print and scale alike. A function, not a shared constant: the YAML writer turns
 * objects met twice into anchors, and the generated files must keep the layout they have.
 */
const warmPoolVersion = (name: string, schema: Schema.Schema.Any): VersionDefinition => ({
  name,
  schema,
  printerColumns: [
    { name: "Ready", type: "integer", jsonPath: ".status.readyReplicas" },
    { name: "Desired", type: "integer", jsonPath: ".spec.replicas" },
    ageColumn,
  ],
  subresources: { ...status, scale: scale() },
});

const definitions: ReadonlyArray<readonly [ResourceDescriptor, ReadonlyArray<VersionDefinition>]> = [
  [
    SANDBOX,
    [
      {
        name: V1BETA1,
        schema: v1beta1.Sandbox,
        printerColumns: [readyColumn, reasonColumn, ageColumn],
        subresources: status,
      },
      {
        name: V1ALPHA1,
        schema: v1alpha1.Sandbox,
        printerColumns: [],
        subresources: { ...status, scale: scale() },
      },
    ],
  ],
  [
    SANDBOX_TEMPLATE,
    [
      { name: V1BETA1, schema: v1beta1.SandboxTemplate, printerColumns: [] },
      { name: V1ALPHA1, schema: v1alpha1.SandboxTemplate, printerColumns: [] },
    ],
  ],
  [
    SANDBOX_CLAIM,
    [
      {
        name: V1BETA1,
        schema: v1beta1.SandboxClaim,
        printerColumns: [
          readyColumn,
          { name: "Sandbox", type: "string", jsonPath: ".status.sandbox.name" },
          reasonColumn,
          ageColumn,
        ],
        subresources: status,
      },
      { name: V1ALPHA1, schema: v1alpha1.SandboxClaim, printerColumns: [], subresources: status },
    ],
  ],
  [
    SANDBOX_WARM_POOL,
    [warmPoolVersion(V1BETA1, v1beta1.SandboxWarmPool), warmPoolVersion(V1ALPHA1, v1alpha1.SandboxWarmPool)],
  ],
];

/** Top-level schema: Kubernetes owns apiVersion/kind/metadata; spec and status come from the Schema. */
const openApiV3Schema = (schema: Schema.Schema.Any): JSONSchemaProps => {
  const objectSchema = toStructural(schema.ast);
  const properties = objectSchema.properties as Record<string, JSONSchemaProps>;
  const required = (objectSchema.required as Array<string>).filter(
    (name) => name !== "apiVersion" && name !== "kind" && name !== "metadata",
  );
  return {
    type: "object",
    properties: {
      ...properties,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
    },
    required,
  };
};

const crdVersion = (resource: ResourceDescriptor, version: VersionDefinition) => {
  const storage = version.name === resource.storageVersion;
  return {
    name: version.name,
    served: true,
    storage,
    ...(storage
      ? {}
      : {
          deprecated: true,
          deprecationWarning: `${resource.group}/${version.name} ${resource.kind} is deprecated; use ${resource.group}/${resource.storageVersion} ${resource.kind} instead`,
        }),
    ...(version.printerColumns.length > 0 ? { additionalPrinterColumns: version.printerColumns } : {}),
    ...(version.subresources === undefined ? {} : { subresources: version.subresources }),
    schema: { openAPIV3Schema: openApiV3Schema(version.schema) },
  };
};

export type CustomResourceDefinition = ReturnType<typeof customResourceDefinition>;

const customResourceDefinition = (
  resource: ResourceDescriptor,
  versions: ReadonlyArray<VersionDefinition>,
) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${resource.plural}.${resource.group}` },
  spec: {
    group: resource.group,
    names: {
      kind: resource.kind,
      listKind: resource.listKind,
      plural: resource.plural,
      singular: resource.singular,
      shortNames: resource.shortNames,
    },
    scope: "Namespaced",
    versions: versions.map((version) => crdVersion(resource, version)),
    // Real clusters convert through the controller's webhook; the embedded API server converts in-process.
    conversion: {
      strategy: "Webhook",
      webhook: {
        conversionReviewVersions: ["v1", "v1beta1"],
        clientConfig: {
          service: {
            name: WEBHOOK_SERVICE_NAME,
            namespace: CONTROLLER_NAMESPACE,
            path: WEBHOOK_PATH,
            port: WEBHOOK_PORT,
          },
        },
      },
    },
  },
});

const deepFreeze = <T>(value: T): T => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

let generated: ReadonlyArray<CustomResourceDefinition> | undefined;

/** The four CRDs, in a stable order (built on first use, frozen). */
export const customResourceDefinitions = (): ReadonlyArray<CustomResourceDefinition> => {
  // Shared between callers, so frozen: a caller changing one would change everyone's.
  generated ??= deepFreeze(
    definitions.map(([resource, versions]) => customResourceDefinition(resource, versions)),
  );
  return generated;
};
