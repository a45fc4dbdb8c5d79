import type { KubeObject } from "./object";

/**
 * Addresses one resource of the API. The type parameter is a phantom: it only tells the typed operations
 * what shape the objects have; nothing is checked at run time.
 */
export interface ResourceRef<T extends KubeObject = KubeObject> {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly _object?: T;
}

/** Narrows a ref to the object type the caller decodes it as. */
export const typedRef = <T extends KubeObject>(ref: ResourceRef<KubeObject>): ResourceRef<T> =>
  ref as ResourceRef<T>;

const ref = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced = true,
): ResourceRef => ({
  group,
  version,
  plural,
  kind,
  namespaced,
});

const AGENTS = "agents.x-k8s.io";
const EXTENSIONS = "extensions.agents.x-k8s.io";

export const refs = {
  sandbox: ref(AGENTS, "v1beta1", "sandboxes", "Sandbox"),
  sandboxTemplate: ref(EXTENSIONS, "v1beta1", "sandboxtemplates", "SandboxTemplate"),
  sandboxClaim: ref(EXTENSIONS, "v1beta1", "sandboxclaims", "SandboxClaim"),
  sandboxWarmPool: ref(EXTENSIONS, "v1beta1", "sandboxwarmpools", "SandboxWarmPool"),
  v1alpha1: {
    sandbox: ref(AGENTS, "v1alpha1", "sandboxes", "Sandbox"),
    sandboxTemplate: ref(EXTENSIONS, "v1alpha1", "sandboxtemplates", "SandboxTemplate"),
    sandboxClaim: ref(EXTENSIONS, "v1alpha1", "sandboxclaims", "SandboxClaim"),
    sandboxWarmPool: ref(EXTENSIONS, "v1alpha1", "sandboxwarmpools", "SandboxWarmPool"),
  },
  pod: ref("", "v1", "pods", "Pod"),
  service: ref("", "v1", "services", "Service"),
  persistentVolumeClaim: ref("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim"),
  event: ref("", "v1", "events", "Event"),
  namespace: ref("", "v1", "namespaces", "Namespace", false),
  node: ref("", "v1", "nodes", "Node", false),
  configMap: ref("", "v1", "configmaps", "ConfigMap"),
  secret: ref("", "v1", "secrets", "Secret"),
  serviceAccount: ref("", "v1", "serviceaccounts", "ServiceAccount"),
  networkPolicy: ref("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy"),
  lease: ref("coordination.k8s.io", "v1", "leases", "Lease"),
  eventV1: ref("events.k8s.io", "v1", "events", "Event"),
  customResourceDefinition: ref(
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
    "CustomResourceDefinition",
    false,
  ),
  tokenReview: ref("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false),
} as const;
