// core/v1 Service (the headless Service per Sandbox).
import { Schema } from "effect";
import { Int32, IntOrString, openStruct, optional, StringMap } from "../kubeSchema";
import { ObjectMeta } from "./meta";

export const ServicePort = openStruct({
  name: optional(Schema.String),
  protocol: optional(Schema.String),
  port: Int32,
  targetPort: optional(IntOrString),
  nodePort: optional(Int32),
});
export type ServicePort = typeof ServicePort.Type;

export const ServiceSpec = openStruct({
  type: optional(Schema.String),
  clusterIP: optional(Schema.String),
  clusterIPs: optional(Schema.Array(Schema.String)),
  selector: optional(StringMap),
  ports: optional(Schema.Array(ServicePort)),
  publishNotReadyAddresses: optional(Schema.Boolean),
});
export type ServiceSpec = typeof ServiceSpec.Type;

export const Service = openStruct({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("Service"),
  metadata: ObjectMeta,
  spec: optional(ServiceSpec),
  status: optional(openStruct({})),
});
export type Service = typeof Service.Type;
