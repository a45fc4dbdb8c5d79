// The Pod, Service and PVCs a Sandbox owns, built from its spec (§2.2 steps 3, 4 and 6).
import type { v1beta1 } from "../../api";
import {
  ANNOTATION_PROPAGATED_ANNOTATIONS,
  ANNOTATION_PROPAGATED_LABELS,
  ANNOTATION_TRACE_CONTEXT,
  CREATED_BY_UNKNOWN,
  KNOWN_CREATORS,
  LABEL_CREATED_BY,
  LABEL_SANDBOX_NAME_HASH,
  LABEL_SANDBOX_TEMPLATE_REF_HASH,
  LABEL_WARM_POOL_SANDBOX,
  nameHash,
  pvcName,
  SANDBOX_WARM_POOL,
} from "../../api";
import type { JsonObject } from "../common/actions";
import { controllerNamed, controllerRef, joinKeys, withoutReserved } from "../common/meta";
import { servicePorts } from "./ports";

type Sandbox = v1beta1.Sandbox;

const sandboxOwner = (sandbox: Sandbox) => controllerRef(sandbox);

export const normaliseCreatedBy = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : KNOWN_CREATORS.includes(value) ? value : CREATED_BY_UNKNOWN;

/**
 * Labels the controller computes for the pod from the Sandbox itself: the name hash, the template-ref hash
 * (the NetworkPolicy selector), the pool label while a pool controls the Sandbox, and the creator.
 */
export const extensionLabels = (sandbox: Sandbox): Record<string, string | undefined> => {
  const labels = sandbox.metadata.labels ?? {};
  const pooled = controllerNamed(sandbox.metadata, SANDBOX_WARM_POOL) !== undefined;
  return {
    [LABEL_SANDBOX_NAME_HASH]: nameHash(sandbox.metadata.name ?? ""),
    [LABEL_SANDBOX_TEMPLATE_REF_HASH]: labels[LABEL_SANDBOX_TEMPLATE_REF_HASH],
    [LABEL_WARM_POOL_SANDBOX]: pooled ? labels[LABEL_WARM_POOL_SANDBOX] : undefined,
    [LABEL_CREATED_BY]: normaliseCreatedBy(labels[LABEL_CREATED_BY]),
  };
};

const defined = (map: Record<string, string | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (v !== undefined) out[k] = v;
  return out;
};

/** Pod labels and annotations wanted now, plus the keys propagated from the podTemplate. */
export const desiredPodMetadata = (sandbox: Sandbox) => {
  const template = sandbox.spec.podTemplate.metadata;
  const propagatedLabels = withoutReserved(template?.labels);
  const propagatedAnnotations = withoutReserved(template?.annotations);
  delete propagatedAnnotations[ANNOTATION_TRACE_CONTEXT];
  const labels = { ...propagatedLabels, ...defined(extensionLabels(sandbox)) };
  const annotations = {
    ...propagatedAnnotations,
    [ANNOTATION_PROPAGATED_LABELS]: joinKeys(propagatedLabels),
    [ANNOTATION_PROPAGATED_ANNOTATIONS]: joinKeys(propagatedAnnotations),
  };
  return { labels, annotations, extension: extensionLabels(sandbox) };
};

export const buildPod = (sandbox: Sandbox): JsonObject => {
  const name = sandbox.metadata.name ?? "";
  const spec = sandbox.spec.podTemplate.spec;
  const vctVolumes = (sandbox.spec.volumeClaimTemplates ?? []).map((vct) => ({
    name: vct.metadata?.name ?? "",
    persistentVolumeClaim: { claimName: pvcName(vct.metadata?.name ?? "", name) },
  }));
  const replaced = new Set(vctVolumes.map((v) => v.name));
  const volumes = [...(spec.volumes ?? []).filter((v) => !replaced.has(v.name)), ...vctVolumes];
  const { labels, annotations } = desiredPodMetadata(sandbox);
  return json({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: sandbox.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [sandboxOwner(sandbox)],
    },
    spec: volumes.length > 0 ? { ...spec, volumes } : spec,
  });
};

export const serviceSelector = (sandbox: Sandbox): Record<string, string> => ({
  [LABEL_SANDBOX_NAME_HASH]: nameHash(sandbox.metadata.name ?? ""),
});

export const buildService = (sandbox: Sandbox): JsonObject =>
  json({
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: sandbox.metadata.name,
      namespace: sandbox.metadata.namespace,
      labels: serviceSelector(sandbox),
      ownerReferences: [sandboxOwner(sandbox)],
    },
    spec: {
      clusterIP: "None",
      selector: serviceSelector(sandbox),
      ports: servicePorts(sandbox.spec.podTemplate.spec),
    },
  });

export const buildPvc = (sandbox: Sandbox, vct: v1beta1.PersistentVolumeClaimTemplate): JsonObject =>
  json({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: pvcName(vct.metadata?.name ?? "", sandbox.metadata.name ?? ""),
      namespace: sandbox.metadata.namespace,
      labels: { ...(vct.metadata?.labels ?? {}), ...serviceSelector(sandbox) },
      ...(vct.metadata?.annotations ? { annotations: vct.metadata?.annotations } : {}),
      ownerReferences: [sandboxOwner(sandbox)],
    },
    spec: vct.spec,
  });

/**
 * Our objects are plain JSON data; this is the one place that says so to the type system. No copy is made:
 * nothing mutates a planned object, and an undefined property is absent wherever it goes (writes serialise
 * it, plans compare with `jsonEqual`).
 */
export const json = (value: unknown): JsonObject => value as JsonObject;
