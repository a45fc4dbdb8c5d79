// SandboxClaim v1alpha1 <-> v1beta1 (§1.5). A v1alpha1 claim names a template and a warm-pool policy; a
// v1beta1 claim names a pool. Up: a specific pool name is kept; otherwise a warm-bound claim (sandbox name
// differs from the claim's) uses the sandbox name minus its last `-suffix`; otherwise `shadow-pool-<template>`.
// Down: `shadow-pool-<t>` gives template <t> with policy "default"; any other pool gives template and
// policy both named after the pool. What a direction cannot re-derive rides along in a stash, guarded by the
// fields it was derived from so an edit made in the other version wins.
import { Either, Schema } from "effect";
import { optional } from "../kubeSchema";
import {
  ANNOTATION_V1ALPHA1_SANDBOXCLAIM_STATE,
  ANNOTATION_V1BETA1_SANDBOXCLAIM_STATE,
  shadowPoolName,
  templateOfShadowPool,
} from "../names";
import { SandboxTemplateRef, VolumeClaimTemplates } from "../shared";
import * as v1alpha1 from "../v1alpha1/index";
import * as v1beta1 from "../v1beta1/index";
import type { ConversionError } from "./error";
import { field, jsonEqual } from "./fields";
import { putStash, takeStash } from "./stash";

/** Kept on the v1beta1 object. */
const AlphaState = Schema.Struct({
  spec: optional(
    Schema.Struct({
      sandboxTemplateRef: SandboxTemplateRef,
      warmpool: Schema.NullOr(Schema.String),
      /** The pool these were converted to; restored only while the claim still names it. */
      pool: Schema.String,
    }),
  ),
  statusSandbox: optional(
    Schema.Struct({
      value: v1alpha1.ClaimSandboxStatus,
      guard: Schema.NullOr(v1beta1.ClaimSandboxStatus),
    }),
  ),
});

/** Kept on the v1alpha1 object. */
const BetaState = Schema.Struct({
  warmPoolRef: optional(
    Schema.Struct({
      name: Schema.String,
      /** The template and policy it was converted to; restored only while the claim still names them. */
      template: Schema.String,
      warmpool: Schema.NullOr(Schema.String),
    }),
  ),
  volumeClaimTemplates: optional(VolumeClaimTemplates),
});

export const isSpecificPool = (warmpool: string | undefined): warmpool is string =>
  warmpool !== undefined &&
  warmpool !== "" &&
  warmpool !== v1alpha1.WARM_POOL_NONE &&
  warmpool !== v1alpha1.WARM_POOL_DEFAULT;

const withoutLastSuffix = (name: string): string => {
  const dash = name.lastIndexOf("-");
  return dash === -1 ? name : name.slice(0, dash);
};

const boundSandboxName = (status: v1alpha1.SandboxClaimStatus | undefined): string | undefined =>
  status?.sandbox?.name ?? status?.sandbox?.Name;

/** The v1beta1 pool a v1alpha1 claim means (upstream's rule). */
export const poolOfV1alpha1Claim = (claim: v1alpha1.SandboxClaim): string => {
  if (isSpecificPool(claim.spec.warmpool)) return claim.spec.warmpool;
  const sandboxName = boundSandboxName(claim.status);
  if (sandboxName !== undefined && sandboxName !== "" && sandboxName !== claim.metadata.name) {
    return withoutLastSuffix(sandboxName);
  }
  return shadowPoolName(claim.spec.sandboxTemplateRef.name);
};

const templateRefOfPool = (pool: string) => {
  const template = templateOfShadowPool(pool);
  return template === undefined
    ? { sandboxTemplateRef: { name: pool }, warmpool: pool }
    : { sandboxTemplateRef: { name: template }, warmpool: v1alpha1.WARM_POOL_DEFAULT };
};

// Specs differ only in how they name the pool (and v1beta1's volumeClaimTemplates, which the callers stash);
// the rest carries over as is.
const up = (alpha: v1alpha1.SandboxClaim): v1beta1.SandboxClaim => {
  const { sandboxTemplateRef: _, warmpool: __, ...shared } = alpha.spec;
  const status = alpha.status;
  const sandbox = status?.sandbox;
  return {
    apiVersion: v1beta1.EXTENSIONS_API_VERSION,
    kind: "SandboxClaim",
    metadata: alpha.metadata,
    spec: { warmPoolRef: { name: poolOfV1alpha1Claim(alpha) }, ...shared },
    ...field(
      "status",
      status && {
        ...field("conditions", status.conditions),
        ...field(
          "sandbox",
          sandbox && { ...field("name", sandbox.name ?? sandbox.Name), ...field("podIPs", sandbox.podIPs) },
        ),
      },
    ),
  };
};

const down = (beta: v1beta1.SandboxClaim): v1alpha1.SandboxClaim => {
  const { warmPoolRef, volumeClaimTemplates: _, ...shared } = beta.spec;
  return {
    apiVersion: v1alpha1.EXTENSIONS_API_VERSION,
    kind: "SandboxClaim",
    metadata: beta.metadata,
    spec: { ...templateRefOfPool(warmPoolRef.name), ...shared },
    // v1alpha1's claim status is v1beta1's plus the old `Name` spelling.
    ...field("status", beta.status),
  };
};

export const sandboxClaimToV1beta1 = (
  input: v1alpha1.SandboxClaim,
): Either.Either<v1beta1.SandboxClaim, ConversionError> =>
  Either.map(takeStash(input.metadata, ANNOTATION_V1BETA1_SANDBOXCLAIM_STATE, BetaState), (taken) => {
    const alpha = { ...input, metadata: taken.metadata };
    let beta = up(alpha);
    const restoredPool = taken.state?.warmPoolRef;
    if (
      restoredPool !== undefined &&
      restoredPool.template === alpha.spec.sandboxTemplateRef.name &&
      restoredPool.warmpool === (alpha.spec.warmpool ?? null)
    ) {
      beta = { ...beta, spec: { ...beta.spec, warmPoolRef: { name: restoredPool.name } } };
    }
    const volumeClaimTemplates = taken.state?.volumeClaimTemplates;
    if (volumeClaimTemplates !== undefined) beta = { ...beta, spec: { ...beta.spec, volumeClaimTemplates } };

    // Stash only what converting back could not re-derive.
    const back = down(beta);
    const specLost =
      back.spec.sandboxTemplateRef.name !== alpha.spec.sandboxTemplateRef.name ||
      back.spec.warmpool !== alpha.spec.warmpool;
    const sandboxLost = !jsonEqual(back.status?.sandbox, alpha.status?.sandbox) && alpha.status?.sandbox;
    if (specLost || sandboxLost) {
      const state: typeof AlphaState.Type = {
        ...field(
          "spec",
          specLost
            ? {
                sandboxTemplateRef: alpha.spec.sandboxTemplateRef,
                warmpool: alpha.spec.warmpool ?? null,
                pool: beta.spec.warmPoolRef.name,
              }
            : undefined,
        ),
        ...field(
          "statusSandbox",
          sandboxLost ? { value: sandboxLost, guard: beta.status?.sandbox ?? null } : undefined,
        ),
      };
      beta = { ...beta, metadata: putStash(beta.metadata, ANNOTATION_V1ALPHA1_SANDBOXCLAIM_STATE, state) };
    }
    return beta;
  });

export const sandboxClaimToV1alpha1 = (
  input: v1beta1.SandboxClaim,
): Either.Either<v1alpha1.SandboxClaim, ConversionError> =>
  Either.map(takeStash(input.metadata, ANNOTATION_V1ALPHA1_SANDBOXCLAIM_STATE, AlphaState), (taken) => {
    const beta = { ...input, metadata: taken.metadata };
    let alpha = down(beta);
    const restoredSpec = taken.state?.spec;
    if (restoredSpec !== undefined && restoredSpec.pool === beta.spec.warmPoolRef.name) {
      const { warmpool: _, ...spec } = alpha.spec;
      alpha = {
        ...alpha,
        spec: {
          ...spec,
          sandboxTemplateRef: restoredSpec.sandboxTemplateRef,
          ...field("warmpool", restoredSpec.warmpool ?? undefined),
        },
      };
    }
    const restoredSandbox = taken.state?.statusSandbox;
    if (
      restoredSandbox !== undefined &&
      alpha.status !== undefined &&
      jsonEqual(restoredSandbox.guard, beta.status?.sandbox ?? null)
    ) {
      alpha = { ...alpha, status: { ...alpha.status, sandbox: restoredSandbox.value } };
    }

    // Stash only what converting back could not re-derive.
    const forward = up(alpha);
    const poolLost = forward.spec.warmPoolRef.name !== beta.spec.warmPoolRef.name;
    const volumeClaimTemplates = beta.spec.volumeClaimTemplates;
    if (poolLost || volumeClaimTemplates !== undefined) {
      const state: typeof BetaState.Type = {
        ...field(
          "warmPoolRef",
          poolLost
            ? {
                name: beta.spec.warmPoolRef.name,
                template: alpha.spec.sandboxTemplateRef.name,
                warmpool: alpha.spec.warmpool ?? null,
              }
            : undefined,
        ),
        ...field("volumeClaimTemplates", volumeClaimTemplates),
      };
      alpha = { ...alpha, metadata: putStash(alpha.metadata, ANNOTATION_V1BETA1_SANDBOXCLAIM_STATE, state) };
    }
    return alpha;
  });
