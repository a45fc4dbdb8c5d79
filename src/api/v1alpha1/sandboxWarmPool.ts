// extensions.agents.x-k8s.io/v1alpha1 SandboxWarmPool: `replicas` is required (v0.2.1); `updateStrategy` and
// `status.selector` are HEAD's deprecated additions.
import { Schema } from "effect";
import { makeDecoder, makeEncoder } from "../decode";
import { Int32, optional } from "../kubeSchema";
import { statusResource } from "../resource";
import { SandboxTemplateRef } from "../shared";
import { UpdateStrategy } from "../v1beta1/sandboxWarmPool";
import { EXTENSIONS_API_VERSION } from "./groupVersion";

export const SandboxWarmPoolSpec = Schema.Struct({
  replicas: Int32.pipe(Schema.greaterThanOrEqualTo(0)),
  sandboxTemplateRef: SandboxTemplateRef,
  updateStrategy: optional(UpdateStrategy),
});
export type SandboxWarmPoolSpec = typeof SandboxWarmPoolSpec.Type;

export const SandboxWarmPoolStatus = Schema.Struct({
  replicas: optional(Int32),
  readyReplicas: optional(Int32),
  selector: optional(Schema.String),
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
