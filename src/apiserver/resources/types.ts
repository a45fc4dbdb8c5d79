// What the server needs to know to store and serve one resource (built-in or from a CRD).

/** A Kubernetes object as JSON: the server works on plain objects. */
export type KObject = Record<string, unknown> & { metadata?: Record<string, unknown> };

export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

/** Which DNS rule object names follow: most kinds are subdomains, namespaces are labels. */
export type NameRule = "subdomain" | "label" | "path";

export interface ResourceDef {
  readonly group: string;
  /** Served versions, preferred first. */
  readonly versions: ReadonlyArray<string>;
  readonly storageVersion: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: ReadonlyArray<string>;
  readonly categories: ReadonlyArray<string>;
  readonly namespaced: boolean;
  readonly statusSubresource: boolean;
  readonly scale?: ScaleSubresource;
  readonly nameRule: NameRule;
  /** Built-in kinds accept strategic merge patches and allow updates without a resourceVersion. */
  readonly builtin: boolean;
  /** Field selector labels beyond metadata.name / metadata.namespace. */
  readonly fieldLabels: ReadonlyArray<string>;
  /** Review kinds (TokenReview): created and answered, never stored. */
  readonly virtual?: boolean;
  /** Set for kinds served from a CustomResourceDefinition. */
  readonly crd?: CrdInfo;
}

export interface CrdInfo {
  readonly name: string;
  /** openAPIV3Schema per served version (absent when the CRD gives none). */
  readonly schemas: Readonly<Record<string, unknown>>;
  readonly conversion: "None" | "Webhook";
  /** The CRD object itself, for printer columns and OpenAPI. */
  readonly object: KObject;
}

/** `pods`, `sandboxes.agents.x-k8s.io`: the storage identity of a resource, independent of version. */
export const resourceId = (def: Pick<ResourceDef, "group" | "plural">): string =>
  def.group ? `${def.plural}.${def.group}` : def.plural;

export const apiVersionOf = (group: string, version: string): string =>
  group ? `${group}/${version}` : version;
