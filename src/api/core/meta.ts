// metav1 types: ObjectMeta, OwnerReference, Condition, LabelSelector.
import { Schema } from "effect";
import { DateTime, Int64, openStruct, optional, StringMap } from "../kubeSchema";

export const OwnerReference = openStruct({
  apiVersion: Schema.String,
  kind: Schema.String,
  name: Schema.String,
  uid: Schema.String,
  controller: optional(Schema.Boolean),
  blockOwnerDeletion: optional(Schema.Boolean),
});
export type OwnerReference = typeof OwnerReference.Type;

export const ManagedFieldsEntry = openStruct({
  manager: optional(Schema.String),
  operation: optional(Schema.String),
  apiVersion: optional(Schema.String),
  time: optional(DateTime),
  fieldsType: optional(Schema.String),
  subresource: optional(Schema.String),
});

export const ObjectMeta = openStruct({
  name: optional(Schema.String),
  generateName: optional(Schema.String),
  namespace: optional(Schema.String),
  uid: optional(Schema.String),
  resourceVersion: optional(Schema.String),
  generation: optional(Int64),
  // Manifests written by `kubectl create --dry-run -o yaml` carry `creationTimestamp: null`; the API server
  // treats null as unset, and so do we (decoded as absent).
  creationTimestamp: Schema.optionalWith(DateTime, { exact: true, nullable: true }),
  deletionTimestamp: Schema.optionalWith(DateTime, { exact: true, nullable: true }),
  deletionGracePeriodSeconds: optional(Int64),
  labels: optional(StringMap),
  annotations: optional(StringMap),
  ownerReferences: optional(Schema.Array(OwnerReference)),
  finalizers: optional(Schema.Array(Schema.String)),
  managedFields: optional(Schema.Array(ManagedFieldsEntry)),
});
export type ObjectMeta = typeof ObjectMeta.Type;

export const ListMeta = openStruct({
  resourceVersion: optional(Schema.String),
  continue: optional(Schema.String),
  remainingItemCount: optional(Int64),
});
export type ListMeta = typeof ListMeta.Type;

export const ConditionStatus = Schema.Literal("True", "False", "Unknown");
export type ConditionStatus = typeof ConditionStatus.Type;

/** metav1.Condition, as our kinds' status.conditions hold them. */
export const Condition = Schema.Struct({
  type: Schema.String.pipe(
    Schema.maxLength(316),
    Schema.pattern(
      // RegExp.source renders "/" as "\/", which RE2 (the API server's regexp engine) also accepts.
      /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
    ),
  ),
  status: ConditionStatus,
  observedGeneration: optional(Int64.pipe(Schema.greaterThanOrEqualTo(0))),
  lastTransitionTime: DateTime,
  reason: Schema.String.pipe(
    Schema.minLength(1),
    Schema.maxLength(1024),
    Schema.pattern(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
  ),
  message: Schema.String.pipe(Schema.maxLength(32768)),
});
export type Condition = typeof Condition.Type;

export const LabelSelectorRequirement = Schema.Struct({
  key: Schema.String,
  operator: Schema.String,
  values: optional(Schema.Array(Schema.String)),
});
export type LabelSelectorRequirement = typeof LabelSelectorRequirement.Type;

export const LabelSelector = Schema.Struct({
  matchLabels: optional(StringMap),
  matchExpressions: optional(Schema.Array(LabelSelectorRequirement)),
});
export type LabelSelector = typeof LabelSelector.Type;
