// extensions.agents.x-k8s.io/v1alpha1 SandboxTemplate: HEAD's deprecated v1alpha1 (v0.2.1 plus `service`,
// `volumeClaimTemplates`, `envVarsInjectionPolicy`); no `volumeClaimTemplatesPolicy`.
import { Schema } from "effect";
import { makeDecoder, makeEncoder } from "../decode";
import { optional } from "../kubeSchema";
import { specResource } from "../resource";
import {
  EnvVarsInjectionPolicy,
  NetworkPolicyManagement,
  PodTemplate,
  SandboxNetworkPolicy,
  VolumeClaimTemplates,
} from "../shared";
import { EXTENSIONS_API_VERSION } from "./groupVersion";

export const SandboxTemplateSpec = Schema.Struct({
  podTemplate: PodTemplate,
  volumeClaimTemplates: optional(VolumeClaimTemplates),
  service: optional(Schema.Boolean),
  networkPolicy: optional(SandboxNetworkPolicy),
  networkPolicyManagement: optional(NetworkPolicyManagement),
  envVarsInjectionPolicy: optional(EnvVarsInjectionPolicy),
});
export type SandboxTemplateSpec = typeof SandboxTemplateSpec.Type;

export const SandboxTemplate = specResource(EXTENSIONS_API_VERSION, "SandboxTemplate", SandboxTemplateSpec);
export type SandboxTemplate = typeof SandboxTemplate.Type;

export const decodeSandboxTemplate = makeDecoder(SandboxTemplate);
export const encodeSandboxTemplate = makeEncoder(SandboxTemplate);
