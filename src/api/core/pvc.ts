// core/v1 PersistentVolumeClaim (one per Sandbox volumeClaimTemplate).
import { Schema } from "effect";
import { openStruct, optional, QuantityMap } from "../kubeSchema";
import { LabelSelector, ObjectMeta } from "./meta";

export const PersistentVolumeClaimSpec = openStruct({
  accessModes: optional(Schema.Array(Schema.String)),
  resources: optional(openStruct({ requests: optional(QuantityMap), limits: optional(QuantityMap) })),
  storageClassName: optional(Schema.String),
  volumeMode: optional(Schema.String),
  volumeName: optional(Schema.String),
  selector: optional(LabelSelector),
});
export type PersistentVolumeClaimSpec = typeof PersistentVolumeClaimSpec.Type;

export const PersistentVolumeClaimStatus = openStruct({
  phase: optional(Schema.String),
  accessModes: optional(Schema.Array(Schema.String)),
  capacity: optional(QuantityMap),
});

export const PersistentVolumeClaim = openStruct({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("PersistentVolumeClaim"),
  metadata: ObjectMeta,
  spec: PersistentVolumeClaimSpec,
  status: optional(PersistentVolumeClaimStatus),
});
export type PersistentVolumeClaim = typeof PersistentVolumeClaim.Type;
