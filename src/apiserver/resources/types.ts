// What the server needs to know to store and serve one resource (built-in or from a CRD).
import type { ResourceDescriptor } from "../../api/names";

export { groupVersionOf as apiVersionOf } from "../discovery/types";

/** A Kubernetes object as JSON: the server works on plain objects. */
export type KObject = Record<string, unknown> & { metadata?: Record<string, unknown> };

export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

/** Which DNS rule object names follow: most kinds are subdomains, namespaces are labels. */
export type NameRule = "subdomain" | "label" | "path";

/**
 * A served resource: the names and versions src/api gives its own kinds (`ResourceDescriptor`, here for any
 * scope; `versions` lists the preferred version first), plus what storing and serving it needs.
 */
export interface ResourceDef extends Omit<ResourceDescriptor, "namespaced"> {
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
