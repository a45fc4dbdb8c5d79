import type { KubeObject } from "./object";
import type { ResourceRef } from "./resources";

export interface PathParts {
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
}

/** The REST path of a collection, an object or an object's subresource. */
export const resourcePath = (ref: ResourceRef<KubeObject>, parts: PathParts = {}): string => {
  const root = ref.group === "" ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespaced && parts.namespace ? `/namespaces/${encodeURIComponent(parts.namespace)}` : "";
  const name = parts.name === undefined ? "" : `/${encodeURIComponent(parts.name)}`;
  const sub = parts.subresource === undefined || parts.name === undefined ? "" : `/${parts.subresource}`;
  return `${root}${ns}/${ref.plural}${name}${sub}`;
};

export type QueryValue = string | number | boolean | undefined;

/** A query string from the defined values only, in insertion order ("" when none). */
export const queryString = (query: Readonly<Record<string, QueryValue>>): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s === "" ? "" : `?${s}`;
};
