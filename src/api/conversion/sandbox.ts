// Sandbox v1alpha1 <-> v1beta1. `replicas` 0/1/absent maps one-to-one onto operatingMode
// Suspended/Running/absent; v1alpha1 `status.replicas` is synthesised from the mode (0 when Suspended,
// else 1) unless the stash holds the value the v1alpha1 object really had; v1beta1 `status.nodeName`
// rides along in a stash on the v1alpha1 side.
import { Either, Schema } from "effect";
import { ANNOTATION_V1ALPHA1_SANDBOX_STATE, ANNOTATION_V1BETA1_SANDBOX_STATE } from "../names";
import * as v1alpha1 from "../v1alpha1/index";
import * as v1beta1 from "../v1beta1/index";
import type { ConversionError } from "./error";
import { field } from "./fields";
import { putStash, takeStash } from "./stash";

/** Kept on the v1beta1 object: the v1alpha1 status.replicas, valid while operatingMode is unchanged. */
const AlphaState = Schema.Struct({
  statusReplicas: Schema.NullOr(Schema.Number),
  operatingMode: Schema.NullOr(v1beta1.OperatingMode),
});

/** Kept on the v1alpha1 object: v1beta1-only status fields. */
const BetaState = Schema.Struct({ nodeName: Schema.String });

const modeOfReplicas = (replicas: number | undefined): v1beta1.OperatingMode | undefined =>
  replicas === undefined ? undefined : replicas === 0 ? "Suspended" : "Running";

const replicasOfMode = (mode: v1beta1.OperatingMode | undefined): number | undefined =>
  mode === undefined ? undefined : mode === "Suspended" ? 0 : 1;

const synthesisedStatusReplicas = (mode: v1beta1.OperatingMode | undefined): number =>
  mode === "Suspended" ? 0 : 1;

// Status differs only in the fields named in the header; everything else carries over as is.
const statusUp = ({ replicas: _, ...status }: v1alpha1.SandboxStatus): v1beta1.SandboxStatus => status;

const statusDown = (
  { nodeName: _, ...status }: v1beta1.SandboxStatus,
  mode: v1beta1.OperatingMode | undefined,
): v1alpha1.SandboxStatus => ({ ...status, replicas: synthesisedStatusReplicas(mode) });

const up = (alpha: v1alpha1.Sandbox): v1beta1.Sandbox => {
  const { replicas, ...spec } = alpha.spec;
  return {
    apiVersion: v1beta1.SANDBOX_API_VERSION,
    kind: "Sandbox",
    metadata: alpha.metadata,
    spec: { ...spec, ...field("operatingMode", modeOfReplicas(replicas)) },
    ...field("status", alpha.status && statusUp(alpha.status)),
  };
};

const down = (beta: v1beta1.Sandbox): v1alpha1.Sandbox => {
  const { operatingMode, ...spec } = beta.spec;
  return {
    apiVersion: v1alpha1.SANDBOX_API_VERSION,
    kind: "Sandbox",
    metadata: beta.metadata,
    spec: { ...spec, ...field("replicas", replicasOfMode(operatingMode)) },
    ...field("status", beta.status && statusDown(beta.status, operatingMode)),
  };
};

export const sandboxToV1beta1 = (input: v1alpha1.Sandbox): Either.Either<v1beta1.Sandbox, ConversionError> =>
  Either.map(takeStash(input.metadata, ANNOTATION_V1BETA1_SANDBOX_STATE, BetaState), (taken) => {
    const alpha = { ...input, metadata: taken.metadata };
    let beta = up(alpha);
    if (taken.state !== undefined && beta.status !== undefined) {
      beta = { ...beta, status: { ...beta.status, nodeName: taken.state.nodeName } };
    }
    const mode = beta.spec.operatingMode;
    const statusReplicas = alpha.status?.replicas;
    if (alpha.status !== undefined && statusReplicas !== synthesisedStatusReplicas(mode)) {
      const state: typeof AlphaState.Type = {
        statusReplicas: statusReplicas ?? null,
        operatingMode: mode ?? null,
      };
      beta = { ...beta, metadata: putStash(beta.metadata, ANNOTATION_V1ALPHA1_SANDBOX_STATE, state) };
    }
    return beta;
  });

export const sandboxToV1alpha1 = (input: v1beta1.Sandbox): Either.Either<v1alpha1.Sandbox, ConversionError> =>
  Either.map(takeStash(input.metadata, ANNOTATION_V1ALPHA1_SANDBOX_STATE, AlphaState), (taken) => {
    const beta = { ...input, metadata: taken.metadata };
    let alpha = down(beta);
    const state = taken.state;
    if (
      state !== undefined &&
      alpha.status !== undefined &&
      state.operatingMode === (beta.spec.operatingMode ?? null)
    ) {
      const { replicas: _, ...status } = alpha.status;
      alpha = { ...alpha, status: { ...status, ...field("replicas", state.statusReplicas ?? undefined) } };
    }
    const nodeName = beta.status?.nodeName;
    if (nodeName !== undefined) {
      alpha = {
        ...alpha,
        metadata: putStash(alpha.metadata, ANNOTATION_V1BETA1_SANDBOX_STATE, { nodeName }),
      };
    }
    return alpha;
  });
