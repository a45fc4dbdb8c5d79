// Types both API versions share unchanged (upstream's shared types, §1.2, and the claim/pool building blocks).
import { Schema } from "effect";
import { NetworkPolicyEgressRule, NetworkPolicyIngressRule } from "./core/networkPolicy";
import { PodMetadata, PodSpec } from "./core/pod";
import { PersistentVolumeClaimSpec } from "./core/pvc";
import { atomicArray, DateTime, Int32, openApi, optional, StringMap } from "./kubeSchema";

export const PodTemplate = Schema.Struct({
  metadata: optional(PodMetadata),
  spec: PodSpec,
});
export type PodTemplate = typeof PodTemplate.Type;

export const EmbeddedObjectMetadata = Schema.Struct({
  name: optional(Schema.String),
  labels: optional(StringMap),
  annotations: optional(StringMap),
});
export type EmbeddedObjectMetadata = typeof EmbeddedObjectMetadata.Type;

export const PersistentVolumeClaimTemplate = Schema.Struct({
  metadata: optional(EmbeddedObjectMetadata),
  spec: PersistentVolumeClaimSpec,
});
export type PersistentVolumeClaimTemplate = typeof PersistentVolumeClaimTemplate.Type;

export const VolumeClaimTemplates = atomicArray(PersistentVolumeClaimTemplate);

/** CEL rule upstream puts on Sandbox spec: the PVC templates can never change after creation. */
export const volumeClaimTemplatesImmutable = openApi({
  "x-kubernetes-validations": [
    {
      rule:
        "has(self.volumeClaimTemplates) == has(oldSelf.volumeClaimTemplates) && " +
        "(!has(self.volumeClaimTemplates) || self.volumeClaimTemplates == oldSelf.volumeClaimTemplates)",
      message: "volumeClaimTemplates is immutable",
    },
  ],
});

export const ShutdownPolicy = Schema.Literal("Delete", "Retain").annotations({ default: "Retain" });
export type ShutdownPolicy = typeof ShutdownPolicy.Type;
export const DEFAULT_SHUTDOWN_POLICY: ShutdownPolicy = "Retain";

export const SandboxTemplateRef = Schema.Struct({ name: Schema.String });
export type SandboxTemplateRef = typeof SandboxTemplateRef.Type;

export const NetworkPolicyManagement = Schema.Literal("Managed", "Unmanaged").annotations({
  default: "Managed",
});
export type NetworkPolicyManagement = typeof NetworkPolicyManagement.Type;
export const DEFAULT_NETWORK_POLICY_MANAGEMENT: NetworkPolicyManagement = "Managed";

export const EnvVarsInjectionPolicy = Schema.Literal("Allowed", "Overrides", "Disallowed").annotations({
  default: "Disallowed",
});
export type EnvVarsInjectionPolicy = typeof EnvVarsInjectionPolicy.Type;
export const DEFAULT_ENV_VARS_INJECTION_POLICY: EnvVarsInjectionPolicy = "Disallowed";

export const VolumeClaimTemplatesPolicy = Schema.Literal("Disallowed", "Allowed", "Overrides").annotations({
  default: "Disallowed",
});
export type VolumeClaimTemplatesPolicy = typeof VolumeClaimTemplatesPolicy.Type;
export const DEFAULT_VOLUME_CLAIM_TEMPLATES_POLICY: VolumeClaimTemplatesPolicy = "Disallowed";

/** The template's NetworkPolicy rules; selector and policyTypes are controller-owned. */
export const SandboxNetworkPolicy = Schema.Struct({
  ingress: optional(Schema.Array(NetworkPolicyIngressRule)),
  egress: optional(Schema.Array(NetworkPolicyEgressRule)),
});
export type SandboxNetworkPolicy = typeof SandboxNetworkPolicy.Type;

export const ClaimShutdownPolicy = Schema.Literal("Delete", "DeleteForeground", "Retain").annotations({
  default: "Retain",
});
export type ClaimShutdownPolicy = typeof ClaimShutdownPolicy.Type;

export const ClaimLifecycle = Schema.Struct({
  shutdownTime: optional(DateTime),
  ttlSecondsAfterFinished: optional(Int32.pipe(Schema.greaterThanOrEqualTo(0))),
  shutdownPolicy: optional(ClaimShutdownPolicy),
});
export type ClaimLifecycle = typeof ClaimLifecycle.Type;

export const AdditionalPodMetadata = Schema.Struct({
  labels: optional(StringMap),
  annotations: optional(StringMap),
});
export type AdditionalPodMetadata = typeof AdditionalPodMetadata.Type;

export const ClaimEnvVar = Schema.Struct({
  name: Schema.String,
  value: Schema.String,
  containerName: optional(Schema.String),
});
export type ClaimEnvVar = typeof ClaimEnvVar.Type;

export const ClaimEnv = atomicArray(ClaimEnvVar);
