// SandboxTemplate v1alpha1 <-> v1beta1. The versions differ only in v1beta1's volumeClaimTemplatesPolicy,
// which rides along in a stash on the v1alpha1 side.
import { Either, Schema } from "effect";
import { ANNOTATION_V1BETA1_SANDBOXTEMPLATE_STATE } from "../names";
import { VolumeClaimTemplatesPolicy } from "../shared";
import * as v1alpha1 from "../v1alpha1/index";
import * as v1beta1 from "../v1beta1/index";
import type { ConversionError } from "./error";
import { field } from "./fields";
import { putStash, takeStash } from "./stash";

const BetaState = Schema.Struct({ volumeClaimTemplatesPolicy: VolumeClaimTemplatesPolicy });

export const sandboxTemplateToV1beta1 = (
  input: v1alpha1.SandboxTemplate,
): Either.Either<v1beta1.SandboxTemplate, ConversionError> =>
  Either.map(takeStash(input.metadata, ANNOTATION_V1BETA1_SANDBOXTEMPLATE_STATE, BetaState), (taken) => ({
    apiVersion: v1beta1.EXTENSIONS_API_VERSION,
    kind: "SandboxTemplate",
    metadata: taken.metadata,
    spec: { ...input.spec, ...field("volumeClaimTemplatesPolicy", taken.state?.volumeClaimTemplatesPolicy) },
  }));

export const sandboxTemplateToV1alpha1 = (
  input: v1beta1.SandboxTemplate,
): Either.Either<v1alpha1.SandboxTemplate, ConversionError> => {
  const { volumeClaimTemplatesPolicy, ...spec } = input.spec;
  return Either.right({
    apiVersion: v1alpha1.EXTENSIONS_API_VERSION,
    kind: "SandboxTemplate",
    metadata:
      volumeClaimTemplatesPolicy === undefined
        ? input.metadata
        : putStash(input.metadata, ANNOTATION_V1BETA1_SANDBOXTEMPLATE_STATE, { volumeClaimTemplatesPolicy }),
    spec,
  });
};
