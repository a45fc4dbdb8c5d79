// agents.x-k8s.io/v1alpha1 Sandbox: the v0.2.1 shape (replicas 0/1) plus HEAD's deprecated fields (`service`,
// `status.podIPs`). Served through conversion; stored as v1beta1.
import { Schema } from "effect";
import { Condition } from "../core/meta";
import { makeDecoder, makeEncoder } from "../decode";
import { DateTime, Int32, optional } from "../kubeSchema";
import { statusResource } from "../resource";
import { PodTemplate, ShutdownPolicy, VolumeClaimTemplates } from "../shared";
import { SANDBOX_API_VERSION } from "./groupVersion";

export const DEFAULT_SANDBOX_REPLICAS = 1;

export const SandboxSpec = Schema.Struct({
  podTemplate: PodTemplate,
  volumeClaimTemplates: optional(VolumeClaimTemplates),
  shutdownTime: optional(DateTime),
  shutdownPolicy: optional(ShutdownPolicy),
  replicas: optional(Int32.pipe(Schema.between(0, 1)).annotations({ default: DEFAULT_SANDBOX_REPLICAS })),
  service: optional(Schema.Boolean),
});
export type SandboxSpec = typeof SandboxSpec.Type;

export const SandboxStatus = Schema.Struct({
  serviceFQDN: optional(Schema.String),
  service: optional(Schema.String),
  conditions: optional(Schema.Array(Condition)),
  replicas: optional(Int32.pipe(Schema.greaterThanOrEqualTo(0))),
  selector: optional(Schema.String),
  podIPs: optional(Schema.Array(Schema.String)),
});
export type SandboxStatus = typeof SandboxStatus.Type;

export const Sandbox = statusResource(SANDBOX_API_VERSION, "Sandbox", SandboxSpec, SandboxStatus);
export type Sandbox = typeof Sandbox.Type;

export const decodeSandbox = makeDecoder(Sandbox);
export const encodeSandbox = makeEncoder(Sandbox);
