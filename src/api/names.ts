// Every name the parts share: API groups and kinds, labels, annotations, condition types, reasons, events.

export const GROUP = "agents.x-k8s.io";
export const EXTENSIONS_GROUP = "extensions.agents.x-k8s.io";
export const V1BETA1 = "v1beta1";
export const V1ALPHA1 = "v1alpha1";
/** The version objects are stored in and the controller works on (the conversion hub). */
export const STORAGE_VERSION = V1BETA1;

export interface ResourceDescriptor {
  readonly group: string;
  /** Served versions, storage version first. */
  readonly versions: ReadonlyArray<string>;
  readonly storageVersion: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: ReadonlyArray<string>;
  readonly namespaced: true;
}

const descriptor = (group: string, kind: string, plural: string, shortNames: ReadonlyArray<string>) =>
  ({
    group,
    versions: [V1BETA1, V1ALPHA1],
    storageVersion: V1BETA1,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    namespaced: true,
  }) as const satisfies ResourceDescriptor;

export const SANDBOX = descriptor(GROUP, "Sandbox", "sandboxes", ["sandbox"]);
export const SANDBOX_TEMPLATE = descriptor(EXTENSIONS_GROUP, "SandboxTemplate", "sandboxtemplates", [
  "sandboxtemplate",
]);
export const SANDBOX_CLAIM = descriptor(EXTENSIONS_GROUP, "SandboxClaim", "sandboxclaims", ["sandboxclaim"]);
export const SANDBOX_WARM_POOL = descriptor(EXTENSIONS_GROUP, "SandboxWarmPool", "sandboxwarmpools", ["swp"]);

export const RESOURCES = [SANDBOX, SANDBOX_TEMPLATE, SANDBOX_CLAIM, SANDBOX_WARM_POOL] as const;

export const apiVersionOf = (resource: ResourceDescriptor, version: string): string =>
  `${resource.group}/${version}`;

// Labels (§1.7).
export const LABEL_SANDBOX_NAME_HASH = "agents.x-k8s.io/sandbox-name-hash";
export const LABEL_CLAIM_UID = "agents.x-k8s.io/claim-uid";
export const LABEL_SANDBOX_TEMPLATE_REF_HASH = "agents.x-k8s.io/sandbox-template-ref-hash";
/** v0.2.1 warm-pool pods. */
export const LABEL_POOL = "agents.x-k8s.io/pool";
export const LABEL_WARM_POOL_SANDBOX = "agents.x-k8s.io/warm-pool-sandbox";
export const LABEL_SANDBOX_TEMPLATE_HASH = "agents.x-k8s.io/sandbox-template-hash";
/** Deprecated upstream; still written and removed on adoption. */
export const LABEL_SANDBOX_POD_TEMPLATE_HASH = "agents.x-k8s.io/sandbox-pod-template-hash";
export const LABEL_LAUNCH_TYPE = "agents.x-k8s.io/launch-type";
export const LABEL_CREATED_BY = "agents.x-k8s.io/created-by";
export const LABEL_ADOPTABLE = "agents.x-k8s.io/adoptable";
/** Legacy label form of the adoption lock (now an annotation). */
export const LABEL_SANDBOX_NAME = "agents.x-k8s.io/sandbox-name";
export const LABEL_MIGRATION_SHADOW = "agents.x-k8s.io/migration-shadow";
export const LABEL_MIGRATION_SOURCE_TEMPLATE = "agents.x-k8s.io/migration-source-template";
/** The router's pod label admitted by the default NetworkPolicy. */
export const LABEL_APP = "app";
export const ROUTER_APP_LABEL_VALUE = "sandbox-router";
export const LABEL_NAMESPACE_NAME = "kubernetes.io/metadata.name";

export const LAUNCH_TYPE_COLD = "cold";
export const LAUNCH_TYPE_WARM = "warm";
export const CREATED_BY_PYTHON_CLIENT = "python-client";
export const CREATED_BY_GO_CLIENT = "go-client";
export const CREATED_BY_CONTROLLER = "controller";
export const CREATED_BY_UNKNOWN = "unknown";
export const KNOWN_CREATORS: ReadonlyArray<string> = [
  CREATED_BY_PYTHON_CLIENT,
  CREATED_BY_GO_CLIENT,
  CREATED_BY_CONTROLLER,
];

// Annotations (§1.7).
export const ANNOTATION_POD_NAME = "agents.x-k8s.io/pod-name";
export const ANNOTATION_SANDBOX_TEMPLATE_REF = "agents.x-k8s.io/sandbox-template-ref";
export const ANNOTATION_PROPAGATED_LABELS = "agents.x-k8s.io/propagated-labels";
export const ANNOTATION_PROPAGATED_ANNOTATIONS = "agents.x-k8s.io/propagated-annotations";
export const ANNOTATION_SANDBOX_NAME = "agents.x-k8s.io/sandbox-name";
export const ANNOTATION_CONTROLLER_FIRST_OBSERVED_AT = "agents.x-k8s.io/controller-first-observed-at";
export const ANNOTATION_CLAIM_FIRST_READY_AT = "agents.x-k8s.io/claim-first-ready-at";
export const ANNOTATION_CLIENT_FIRST_REQUESTED_AT = "agents.x-k8s.io/client-first-requested-at";
export const ANNOTATION_WEBHOOK_FIRST_OBSERVED_AT = "agents.x-k8s.io/webhook-first-observed-at";
export const ANNOTATION_TRACE_CONTEXT = "opentelemetry.io/trace-context";
export const ANNOTATION_SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";
export const ANNOTATION_STORAGE_MIGRATED_AT = "agents.x-k8s.io/storage-migrated-at";
/**
 * Where conversion keeps what the other version cannot express (lossless round trips). Templates and pools
 * lose nothing on the way to v1beta1, so only v1beta1 state exists for them.
 */
export const ANNOTATION_V1ALPHA1_SANDBOX_STATE = "api.agents.x-k8s.io/v1alpha1-sandbox-state";
export const ANNOTATION_V1ALPHA1_SANDBOXCLAIM_STATE = "api.agents.x-k8s.io/v1alpha1-sandboxclaim-state";
export const ANNOTATION_V1BETA1_SANDBOX_STATE = "api.agents.x-k8s.io/v1beta1-sandbox-state";
export const ANNOTATION_V1BETA1_SANDBOXTEMPLATE_STATE = "api.agents.x-k8s.io/v1beta1-sandboxtemplate-state";
export const ANNOTATION_V1BETA1_SANDBOXCLAIM_STATE = "api.agents.x-k8s.io/v1beta1-sandboxclaim-state";
export const ANNOTATION_V1BETA1_SANDBOXWARMPOOL_STATE = "api.agents.x-k8s.io/v1beta1-sandboxwarmpool-state";

/** Label and annotation key prefixes reserved for the controller. */
export const RESERVED_PREFIXES: ReadonlyArray<string> = ["agents.x-k8s.io/", "extensions.agents.x-k8s.io/"];
/** Default allow-list for claim `additionalPodMetadata` label domains (and subdomains). */
export const DEFAULT_ALLOWED_LABEL_DOMAIN = "sandbox.users.io";

// Condition types (§2.3, §2.6).
export const CONDITION_READY = "Ready";
export const CONDITION_SUSPENDED = "Suspended";
export const CONDITION_FINISHED = "Finished";
export const CONDITION_POD_SCHEDULED = "PodScheduled";

// Sandbox condition reasons.
export const REASON_DEPENDENCIES_READY = "DependenciesReady";
export const REASON_DEPENDENCIES_NOT_READY = "DependenciesNotReady";
export const REASON_SANDBOX_SUSPENDED = "SandboxSuspended";
export const REASON_POD_SUCCEEDED = "PodSucceeded";
export const REASON_POD_FAILED = "PodFailed";
export const REASON_SANDBOX_EXPIRED = "SandboxExpired";
export const REASON_MULTIPLE_PODS = "MultiplePods";
export const REASON_RECONCILER_ERROR = "ReconcilerError";
export const REASON_NOT_SUSPENDED = "NotSuspended";
export const REASON_POD_TERMINATED = "PodTerminated";
export const REASON_POD_TERMINATING = "PodTerminating";
/** Older name of PodTerminating. */
export const REASON_POD_NOT_TERMINATED = "PodNotTerminated";
export const REASON_POD_NOT_OWNED = "PodNotOwned";
export const REASON_POD_STATE_UNKNOWN = "PodStateUnknown";
export const REASON_POD_SCHEDULED = "PodScheduled";
export const REASON_POD_SCHEDULING_UNKNOWN = "PodSchedulingUnknown";

// SandboxClaim condition reasons.
export const REASON_CLAIM_EXPIRED = "ClaimExpired";
export const REASON_TEMPLATE_NOT_FOUND = "TemplateNotFound";
export const REASON_WARM_POOL_NOT_FOUND = "WarmPoolNotFound";
export const REASON_ADOPTION_CONFLICT = "AdoptionConflict";
export const REASON_SANDBOX_CREATE_PENDING = "SandboxCreatePending";
export const REASON_INVALID_METADATA = "InvalidMetadata";
export const REASON_ENV_VARS_INJECTION_REJECTED = "EnvVarsInjectionRejected";
export const REASON_VOLUME_CLAIM_TEMPLATES_ERROR = "VolumeClaimTemplatesError";
export const REASON_SANDBOX_MISSING = "SandboxMissing";
export const REASON_SANDBOX_NOT_READY = "SandboxNotReady";

/** Claim reasons the SDKs treat as terminal (fail fast). */
export const TERMINAL_CLAIM_REASONS: ReadonlyArray<string> = [
  REASON_INVALID_METADATA,
  REASON_ENV_VARS_INJECTION_REJECTED,
  REASON_VOLUME_CLAIM_TEMPLATES_ERROR,
  REASON_CLAIM_EXPIRED,
  REASON_SANDBOX_EXPIRED,
];

// Event reasons (§2.8).
export const EVENT_SANDBOX_PROVISIONED = "SandboxProvisioned";
export const EVENT_SANDBOX_ADOPTED = "SandboxAdopted";
export const EVENT_CLAIM_EXPIRED = "ClaimExpired";
export const EVENT_MULTIPLE_PODS = "MultiplePods";
export const EVENT_WARM_POOL_NOT_PROGRESSING = "WarmPoolNotProgressing";
export const EVENT_WARM_POOL_PROGRESSING = "WarmPoolProgressing";

// Messages the SDKs and tests match on.
export const MESSAGE_SANDBOX_EXPIRED = "Sandbox has expired";
export const MESSAGE_CLAIM_EXPIRED = "Claim expired. Sandbox cleanup initiated.";

// Names derived from objects.
export const networkPolicyName = (templateName: string): string => `${templateName}-network-policy`;
export const pvcName = (claimTemplateName: string, sandboxName: string): string =>
  `${claimTemplateName}-${sandboxName}`;
/** v1beta1 pool name given to v1alpha1 claims that name only a template. */
export const SHADOW_POOL_PREFIX = "shadow-pool-";
export const shadowPoolName = (templateName: string): string => `${SHADOW_POOL_PREFIX}${templateName}`;
/** The template a shadow pool name stands for (v1alpha1 claims converted to v1beta1), if it is one. */
export const templateOfShadowPool = (poolName: string): string | undefined =>
  poolName.startsWith(SHADOW_POOL_PREFIX) ? poolName.slice(SHADOW_POOL_PREFIX.length) : undefined;
export const serviceFQDN = (service: string, namespace: string, clusterDomain: string): string =>
  `${service}.${namespace}.svc.${clusterDomain}`;

// Defaults and well-known values.
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";
export const CONTROLLER_NAMESPACE = "agent-sandbox-system";
export const WEBHOOK_SERVICE_NAME = "agent-sandbox-webhook-service";
export const WEBHOOK_PATH = "/convert";
export const WEBHOOK_PORT = 9443;
export const SECURE_DEFAULT_NAMESERVERS: ReadonlyArray<string> = ["8.8.8.8", "1.1.1.1"];
