// core/v1 Event, as the controller records them.
import { Schema } from "effect";
import { DateTime, Int32, openStruct, optional } from "../kubeSchema";
import { ObjectMeta } from "./meta";

export const ObjectReference = openStruct({
  apiVersion: optional(Schema.String),
  kind: optional(Schema.String),
  namespace: optional(Schema.String),
  name: optional(Schema.String),
  uid: optional(Schema.String),
  resourceVersion: optional(Schema.String),
  fieldPath: optional(Schema.String),
});
export type ObjectReference = typeof ObjectReference.Type;

export const EventType = Schema.Literal("Normal", "Warning");
export type EventType = typeof EventType.Type;

export const Event = openStruct({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("Event"),
  metadata: ObjectMeta,
  involvedObject: ObjectReference,
  reason: optional(Schema.String),
  message: optional(Schema.String),
  type: optional(EventType),
  source: optional(openStruct({ component: optional(Schema.String), host: optional(Schema.String) })),
  firstTimestamp: optional(Schema.NullOr(DateTime)),
  lastTimestamp: optional(Schema.NullOr(DateTime)),
  eventTime: optional(Schema.NullOr(Schema.String)),
  count: optional(Int32),
  reportingComponent: optional(Schema.String),
  reportingInstance: optional(Schema.String),
  action: optional(Schema.String),
});
export type Event = typeof Event.Type;
