// Parses Kubernetes REST paths into what they address.
import type { Registry } from "../resources/registry";
import { badRequest } from "../status";

export interface ResourcePath {
  readonly kind: "resource";
  readonly group: string;
  readonly version: string;
  /** Undefined when the path carries no namespace segment. */
  readonly namespace: string | undefined;
  readonly plural: string;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  /** The legacy `/watch/` path prefix. */
  readonly watchPrefix: boolean;
}

export interface GroupVersionPath {
  readonly kind: "groupVersion";
  readonly group: string;
  readonly version: string;
}

export type ApiPath = ResourcePath | GroupVersionPath | { readonly kind: "other"; readonly path: string };

const decodeSegment = (s: string): string => {
  // Only escapes change under decoding; most segments have none, and decoding was ~3 % of a write's cost.
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`malformed path segment ${JSON.stringify(s)}`);
  }
};

export const parsePath = (pathname: string, registry: Registry): ApiPath => {
  const seg = pathname
    .split("/")
    .filter((s) => s.length > 0)
    .map(decodeSegment);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (seg[0] === "api" && seg.length >= 2) {
    group = "";
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === "apis" && seg.length >= 3) {
    group = seg[1]!;
    version = seg[2];
    rest = seg.slice(3);
  } else return { kind: "other", path: pathname };
  if (version === undefined) return { kind: "other", path: pathname };
  if (rest.length === 0) return { kind: "groupVersion", group, version };
  const watchPrefix = rest[0] === "watch";
  if (watchPrefix) rest = rest.slice(1);
  const base = { kind: "resource" as const, group, version, watchPrefix };
  // `/api/v1/namespaces/x/pods` addresses pods in x; `/api/v1/namespaces/x/status` the namespace's status.
  if (rest[0] === "namespaces" && rest.length >= 3 && registry.lookup(group, version, rest[2]!)?.namespaced) {
    return { ...base, namespace: rest[1], plural: rest[2]!, name: rest[3], subresource: rest[4] };
  }
  if (rest.length > 3) return { kind: "other", path: pathname };
  return { ...base, namespace: undefined, plural: rest[0]!, name: rest[1], subresource: rest[2] };
};
