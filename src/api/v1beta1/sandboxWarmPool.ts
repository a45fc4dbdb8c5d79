// extensions.agents.x-k8s.io/v1beta1 SandboxWarmPool (§1.6): pre-started Sandboxes built from a template.
import { Schema } from "effect";
import { makeDecoder, makeEncoder } from "../decode";
import { Int32, Int64, optional } from "../kubeSchema";
import { statusResource } from "../resource";
import { SandboxTemplateRef } from "../shared";
import { EXTENSIONS_API_VERSION } from "./groupVersion";

export const UpdateStrategyType = Schema.Literal("Recreate", "OnReplenish").annotations({
  default: "OnReplenish",
});
export type UpdateStrategyType = typeof UpdateStrategyType.Type;
export const DEFAULT_UPDATE_STRATEGY_TYPE: UpdateStrategyType = "OnReplenish";

export const UpdateStrategy = Schema.Struct({ type: optional(UpdateStrategyType) });
export type UpdateStrategy = typeof UpdateStrategy.Type;

export const DEFAULT_WARM_POOL_REPLICAS = 1;

export const SandboxWarmPoolSpec = Schema.Struct({
  replicas: optional(
    Int32.pipe(Schema.greaterThanOrEqualTo(0)).annotations({ default: DEFAULT_WARM_POOL_REPLICAS }),
  ),
  sandboxTemplateRef: SandboxTemplateRef,
  updateStrategy: optional(UpdateStrategy),
});
export type SandboxWarmPoolSpec = typeof SandboxWarmPoolSpec.Type;

export const SandboxWarmPoolStatus = Schema.Struct({
  replicas: optional(Int32),
  readyReplicas: optional(Int32),
  selector: optional(Schema.String),
  observedGeneration: optional(Int64),
});
export type SandboxWarmPoolStatus = typeof SandboxWarmPoolStatus.Type;

export const SandboxWarmPool = statusResource(
  EXTENSIONS_API_VERSION,
  "SandboxWarmPool",
  SandboxWarmPoolSpec,
  SandboxWarmPoolStatus,
);
export type SandboxWarmPool = typeof SandboxWarmPool.Type;

export const decodeSandboxWarmPool = makeDecoder(SandboxWarmPool);
export const encodeSandboxWarmPool = makeEncoder(SandboxWarmPool);
