// `additionalPodMetadata` validation (§2.6 step 3): users may label their sandbox pods only under allowed
// domains, and may not annotate them in the Kubernetes or controller namespaces.
import type { v1beta1 } from "../../api";
import { ANNOTATION_SAFE_TO_EVICT, LABEL_APP, ROUTER_APP_LABEL_VALUE } from "../../api";

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RESERVED_ANNOTATION_DOMAINS = ["kubernetes.io", "k8s.io", "agents.x-k8s.io"];

const inDomain = (domain: string, parent: string): boolean =>
  domain === parent || domain.endsWith(`.${parent}`);

/** Splits a qualified name into prefix and name; undefined when it is not a valid qualified name. */
const qualified = (key: string): { prefix: string | undefined; name: string } | undefined => {
  const parts = key.split("/");
  if (parts.length > 2) return undefined;
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  const prefix = parts.length === 2 ? parts[0]! : undefined;
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) return undefined;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return undefined;
  return { prefix, name };
};

/** The first problem found, or undefined when the metadata is acceptable. */
export const validateAdditionalPodMetadata = (
  metadata: v1beta1.AdditionalPodMetadata | undefined,
  allowedLabelDomains: ReadonlyArray<string>,
): string | undefined => {
  for (const [key, value] of Object.entries(metadata?.labels ?? {})) {
    const q = qualified(key);
    if (q === undefined) return `label key "${key}" is not a valid qualified name`;
    if (q.prefix === undefined) return `label key "${key}" must have a domain prefix`;
    if (!allowedLabelDomains.some((d) => inDomain(q.prefix!, d)))
      return `label key "${key}" is not in an allowed domain (${allowedLabelDomains.join(", ")})`;
    if (value.length > 63 || (value !== "" && !NAME.test(value)))
      return `label "${key}" has an invalid value`;
    if (key === LABEL_APP && value === ROUTER_APP_LABEL_VALUE)
      return `label ${LABEL_APP}=${ROUTER_APP_LABEL_VALUE} is reserved`;
  }
  for (const key of Object.keys(metadata?.annotations ?? {})) {
    if (key === ANNOTATION_SAFE_TO_EVICT) continue;
    const q = qualified(key);
    if (q === undefined) return `annotation key "${key}" is not a valid qualified name`;
    if (q.prefix !== undefined && RESERVED_ANNOTATION_DOMAINS.some((d) => inDomain(q.prefix!, d)))
      return `annotation key "${key}" uses a reserved domain`;
  }
  return undefined;
};

/** Overlay claim metadata on template metadata; a claim value that differs from a template value is refused. */
export const overlay = (
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> | string => {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (out[k] !== undefined && out[k] !== v) return `metadata override conflict on "${k}"`;
    out[k] = v;
  }
  return out;
};
