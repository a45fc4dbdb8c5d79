// v1alpha1: deprecated, served through conversion to the v1beta1 storage version.
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
} from "../shared";
export { UpdateStrategy, UpdateStrategyType } from "../v1beta1/sandboxWarmPool";
export * from "./groupVersion";
export * from "./sandbox";
export * from "./sandboxClaim";
export * from "./sandboxTemplate";
export * from "./sandboxWarmPool";
