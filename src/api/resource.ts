// The envelope every kind of both API versions shares: apiVersion and kind as literals, Kubernetes' ObjectMeta,
// the version's spec and, where the kind has one, an optional status (the API server sets it later).
import { Schema } from "effect";
import { ObjectMeta } from "./core/meta";
import { optional } from "./kubeSchema";

const envelope = <Version extends string, Kind extends string>(apiVersion: Version, kind: Kind) => ({
  apiVersion: Schema.Literal(apiVersion),
  kind: Schema.Literal(kind),
  metadata: ObjectMeta,
});

/** A kind with no status (SandboxTemplate). */
export const specResource = <Version extends string, Kind extends string, Spec extends Schema.Schema.All>(
  apiVersion: Version,
  kind: Kind,
  spec: Spec,
) => Schema.Struct({ ...envelope(apiVersion, kind), spec });

export const statusResource = <
  Version extends string,
  Kind extends string,
  Spec extends Schema.Schema.All,
  Status extends Schema.Schema.All,
>(
  apiVersion: Version,
  kind: Kind,
  spec: Spec,
  status: Status,
) => Schema.Struct({ ...envelope(apiVersion, kind), spec, status: optional(status) });
