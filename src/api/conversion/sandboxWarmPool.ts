// SandboxWarmPool v1alpha1 <-> v1beta1. v1alpha1 requires spec.replicas (an absent v1beta1 value becomes
// the default, 1) and has no status.observedGeneration; both facts ride along in a stash on the v1alpha1 side.
import { Either, Schema } from "effect";
import { optional } from "../kubeSchema";
import { ANNOTATION_V1BETA1_SANDBOXWARMPOOL_STATE } from "../names";
import * as v1alpha1 from "../v1alpha1/index";
import * as v1beta1 from "../v1beta1/index";
import type { ConversionError } from "./error";
import { field } from "./fields";
import { putStash, takeStash } from "./stash";

const BetaState = Schema.Struct({
  replicasAbsent: optional(Schema.Boolean),
  observedGeneration: optional(Schema.Number),
});

export const sandboxWarmPoolToV1beta1 = (
  input: v1alpha1.SandboxWarmPool,
): Either.Either<v1beta1.SandboxWarmPool, ConversionError> =>
  Either.map(takeStash(input.metadata, ANNOTATION_V1BETA1_SANDBOXWARMPOOL_STATE, BetaState), (taken) => {
    const { replicas, ...spec } = input.spec;
    // The absent value comes back only while the replicas are still the default it was read as.
    const replicasAbsent =
      taken.state?.replicasAbsent === true && replicas === v1beta1.DEFAULT_WARM_POOL_REPLICAS;
    const status = input.status;
    return {
      apiVersion: v1beta1.EXTENSIONS_API_VERSION,
      kind: "SandboxWarmPool",
      metadata: taken.metadata,
      spec: { ...(replicasAbsent ? {} : { replicas }), ...spec },
      ...field(
        "status",
        status && { ...status, ...field("observedGeneration", taken.state?.observedGeneration) },
      ),
    };
  });

export const sandboxWarmPoolToV1alpha1 = (
  input: v1beta1.SandboxWarmPool,
): Either.Either<v1alpha1.SandboxWarmPool, ConversionError> => {
  const { replicas, ...spec } = input.spec;
  const { observedGeneration, ...status } = input.status ?? {};
  const state = {
    ...(replicas === undefined ? { replicasAbsent: true } : {}),
    ...field("observedGeneration", observedGeneration),
  };
  return Either.right({
    apiVersion: v1alpha1.EXTENSIONS_API_VERSION,
    kind: "SandboxWarmPool",
    metadata:
      Object.keys(state).length === 0
        ? input.metadata
        : putStash(input.metadata, ANNOTATION_V1BETA1_SANDBOXWARMPOOL_STATE, state),
    spec: { replicas: replicas ?? v1beta1.DEFAULT_WARM_POOL_REPLICAS, ...spec },
    ...field("status", input.status && status),
  });
};
