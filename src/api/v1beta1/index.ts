// agents.x-k8s.io / extensions.agents.x-k8s.io v1beta1: the storage version the controller works on.
export {
  AdditionalPodMetadata,
  ClaimEnvVar,
  ClaimLifecycle,
  ClaimShutdownPolicy,
  EmbeddedObjectMetadata,
  EnvVarsInjectionPolicy,
  NetworkPolicyManagement,
  PersistentVolumeClaimTemplate,
  PodTemplate,
  SandboxNetworkPolicy,
  SandboxTemplateRef,
  ShutdownPolicy,
  VolumeClaimTemplatesPolicy,
} from "../shared";
export * from "./groupVersion";
export * from "./sandbox";
export * from "./sandboxClaim";
export * from "./sandboxTemplate";
export * from "./sandboxWarmPool";
