// coordination.k8s.io/v1 Lease (controller leader election).
import { Schema } from "effect";
import { Int32, optional } from "../kubeSchema";
import { ObjectMeta } from "./meta";

/** Lease times are metav1.MicroTime (RFC3339 with microseconds). */
const MicroTime = Schema.String;

export const LeaseSpec = Schema.Struct({
  holderIdentity: optional(Schema.String),
  leaseDurationSeconds: optional(Int32),
  acquireTime: optional(MicroTime),
  renewTime: optional(MicroTime),
  leaseTransitions: optional(Int32),
});
export type LeaseSpec = typeof LeaseSpec.Type;

export const Lease = Schema.Struct({
  apiVersion: Schema.Literal("coordination.k8s.io/v1"),
  kind: Schema.Literal("Lease"),
  metadata: ObjectMeta,
  spec: optional(LeaseSpec),
});
export type Lease = typeof Lease.Type;
