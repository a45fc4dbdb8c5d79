// extensions.agents.x-k8s.io/v1beta1 SandboxClaim (§1.5): a request for a Sandbox from a warm pool.
import { Schema } from "effect";
import { Condition } from "../core/meta";
import { makeDecoder, makeEncoder } from "../decode";
import { optional } from "../kubeSchema";
import { statusResource } from "../resource";
import { AdditionalPodMetadata, ClaimEnv, ClaimLifecycle, VolumeClaimTemplates } from "../shared";
import { EXTENSIONS_API_VERSION } from "./groupVersion";

export const WarmPoolRef = Schema.Struct({ name: Schema.String });
export type WarmPoolRef = typeof WarmPoolRef.Type;

export const SandboxClaimSpec = Schema.Struct({
  warmPoolRef: WarmPoolRef,
  lifecycle: optional(ClaimLifecycle),
  additionalPodMetadata: optional(AdditionalPodMetadata),
  env: optional(ClaimEnv),
  volumeClaimTemplates: optional(VolumeClaimTemplates),
});
export type SandboxClaimSpec = typeof SandboxClaimSpec.Type;

export const ClaimSandboxStatus = Schema.Struct({
  name: optional(Schema.String),
  podIPs: optional(Schema.Array(Schema.String)),
});
export type ClaimSandboxStatus = typeof ClaimSandboxStatus.Type;

export const SandboxClaimStatus = Schema.Struct({
  conditions: optional(Schema.Array(Condition)),
  sandbox: optional(ClaimSandboxStatus),
});
export type SandboxClaimStatus = typeof SandboxClaimStatus.Type;

export const SandboxClaim = statusResource(
  EXTENSIONS_API_VERSION,
  "SandboxClaim",
  SandboxClaimSpec,
  SandboxClaimStatus,
);
export type SandboxClaim = typeof SandboxClaim.Type;

export const decodeSandboxClaim = makeDecoder(SandboxClaim);
export const encodeSandboxClaim = makeEncoder(SandboxClaim);
