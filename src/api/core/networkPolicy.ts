// networking.k8s.io/v1 NetworkPolicy (one per SandboxTemplate) and its rules, which templates embed.
import { Schema } from "effect";
import { Int32, IntOrString, optional } from "../kubeSchema";
import { LabelSelector, ObjectMeta } from "./meta";

export const IPBlock = Schema.Struct({
  cidr: Schema.String,
  except: optional(Schema.Array(Schema.String)),
});
export type IPBlock = typeof IPBlock.Type;

export const NetworkPolicyPeer = Schema.Struct({
  podSelector: optional(LabelSelector),
  namespaceSelector: optional(LabelSelector),
  ipBlock: optional(IPBlock),
});
export type NetworkPolicyPeer = typeof NetworkPolicyPeer.Type;

export const NetworkPolicyPort = Schema.Struct({
  protocol: optional(Schema.String),
  port: optional(IntOrString),
  endPort: optional(Int32),
});
export type NetworkPolicyPort = typeof NetworkPolicyPort.Type;

export const NetworkPolicyIngressRule = Schema.Struct({
  ports: optional(Schema.Array(NetworkPolicyPort)),
  from: optional(Schema.Array(NetworkPolicyPeer)),
});
export type NetworkPolicyIngressRule = typeof NetworkPolicyIngressRule.Type;

export const NetworkPolicyEgressRule = Schema.Struct({
  ports: optional(Schema.Array(NetworkPolicyPort)),
  to: optional(Schema.Array(NetworkPolicyPeer)),
});
export type NetworkPolicyEgressRule = typeof NetworkPolicyEgressRule.Type;

export const PolicyType = Schema.Literal("Ingress", "Egress");
export type PolicyType = typeof PolicyType.Type;

export const NetworkPolicySpec = Schema.Struct({
  podSelector: LabelSelector,
  policyTypes: optional(Schema.Array(PolicyType)),
  ingress: optional(Schema.Array(NetworkPolicyIngressRule)),
  egress: optional(Schema.Array(NetworkPolicyEgressRule)),
});
export type NetworkPolicySpec = typeof NetworkPolicySpec.Type;

export const NetworkPolicy = Schema.Struct({
  apiVersion: Schema.Literal("networking.k8s.io/v1"),
  kind: Schema.Literal("NetworkPolicy"),
  metadata: ObjectMeta,
  spec: NetworkPolicySpec,
});
export type NetworkPolicy = typeof NetworkPolicy.Type;
