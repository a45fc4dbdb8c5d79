// extensions.agents.x-k8s.io/v1alpha1 SandboxClaim: claims name a template (v0.2.1) and optionally a warm-pool
// policy (HEAD). `status.sandbox.Name` is the v0.2.1 spelling, renamed to `name` later; both are read.
import { Schema } from "effect";
import { Condition } from "../core/meta";
import { makeDecoder, makeEncoder } from "../decode";
import { optional } from "../kubeSchema";
import { statusResource } from "../resource";
import { AdditionalPodMetadata, ClaimEnv, ClaimLifecycle, SandboxTemplateRef } from "../shared";
import { EXTENSIONS_API_VERSION } from "./groupVersion";

/** `warmpool` values besides a pool name. */
export const WARM_POOL_NONE = "none";
export const WARM_POOL_DEFAULT = "default";

export const SandboxClaimSpec = Schema.Struct({
  sandboxTemplateRef: SandboxTemplateRef,
  lifecycle: optional(ClaimLifecycle),
  warmpool: optional(Schema.String.annotations({ default: WARM_POOL_DEFAULT })),
  additionalPodMetadata: optional(AdditionalPodMetadata),
  env: optional(ClaimEnv),
});
export type SandboxClaimSpec = typeof SandboxClaimSpec.Type;

export const ClaimSandboxStatus = Schema.Struct({
  name: optional(Schema.String),
  /** v0.2.1 spelling of `name`. */
  Name: optional(Schema.String),
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
