// agents.x-k8s.io/v1beta1 Sandbox (storage version, §1.3).
import { Schema } from "effect";
import { Condition } from "../core/meta";
import { makeDecoder, makeEncoder } from "../decode";
import { DateTime, optional } from "../kubeSchema";
import { statusResource } from "../resource";
import { PodTemplate, ShutdownPolicy, VolumeClaimTemplates, volumeClaimTemplatesImmutable } from "../shared";
import { SANDBOX_API_VERSION } from "./groupVersion";

export const OperatingMode = Schema.Literal("Running", "Suspended").annotations({ default: "Running" });
export type OperatingMode = typeof OperatingMode.Type;
export const DEFAULT_OPERATING_MODE: OperatingMode = "Running";

export const SandboxSpec = Schema.Struct({
  podTemplate: PodTemplate,
  volumeClaimTemplates: optional(VolumeClaimTemplates),
  service: optional(Schema.Boolean),
  shutdownTime: optional(DateTime),
  shutdownPolicy: optional(ShutdownPolicy),
  operatingMode: optional(OperatingMode),
}).annotations(volumeClaimTemplatesImmutable);
export type SandboxSpec = typeof SandboxSpec.Type;

export const SandboxStatus = Schema.Struct({
  serviceFQDN: optional(Schema.String),
  service: optional(Schema.String),
  conditions: optional(Schema.Array(Condition)),
  selector: optional(Schema.String),
  podIPs: optional(Schema.Array(Schema.String)),
  nodeName: optional(Schema.String),
});
export type SandboxStatus = typeof SandboxStatus.Type;

export const Sandbox = statusResource(SANDBOX_API_VERSION, "Sandbox", SandboxSpec, SandboxStatus);
export type Sandbox = typeof Sandbox.Type;

export const decodeSandbox = makeDecoder(Sandbox);
export const encodeSandbox = makeEncoder(Sandbox);
