// The types from shared.ts that each API version exports as its own: v1alpha1.PodTemplate is v1beta1.PodTemplate.
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
} from "./shared";
