// What discovery, OpenAPI and Table output need to know about one served resource in one version.
import type { JSONSchemaProps } from "../schema";

export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";

export const STANDARD_VERBS: ReadonlyArray<Verb> = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

/** A subresource such as `pods/status`; `group`/`version` are set when its kind lives elsewhere (Scale). */
export interface SubresourceInfo {
  readonly name: "status" | "scale" | "log" | "binding";
  readonly kind: string;
  readonly group?: string;
  readonly version?: string;
  readonly verbs: ReadonlyArray<Verb>;
}

/** A CRD `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: "integer" | "number" | "string" | "boolean" | "date";
  readonly jsonPath: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
}

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: ReadonlyArray<string>;
  readonly namespaced: boolean;
  readonly verbs: ReadonlyArray<Verb>;
  readonly subresources: ReadonlyArray<SubresourceInfo>;
  readonly categories: ReadonlyArray<string>;
  /** CRD printer columns; empty for built-ins, whose columns come from built-in printers. */
  readonly printerColumns: ReadonlyArray<PrinterColumn>;
  readonly openAPISchema?: JSONSchemaProps;
  /** The version objects of this resource are stored in. */
  readonly storageVersion?: string;
  /** Every version this resource is served in, including this one. */
  readonly servedVersions: ReadonlyArray<string>;
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
}

export const groupVersionOf = (group: string, version: string): string =>
  group ? `${group}/${version}` : version;
