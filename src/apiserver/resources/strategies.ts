// Per-kind rules kube-apiserver applies on create and update (its "strategies"), limited to the kinds and
// fields local mode relies on: status resets, defaults clients read back, and CRD status.
import { pickClusterIp, randomStart, SERVICE_CIDR } from "../cluster-ip";
import { isPlainObject } from "../patch/merge";
import type { StatusCause } from "../status";
import { crdStatus, validateCrd } from "./crd";
import { prepareJob } from "./job";
import { defaultPodSpec } from "./pod-spec";
import type { KObject, ResourceDef } from "./types";

const kindKey = (def: ResourceDef): string => `${def.group}/${def.kind}`;

/** What creating a Service needs to know about the others: the ClusterIPs already handed out. */
export interface StrategyContext {
  readonly clusterIpsInUse: () => ReadonlySet<string>;
}

const wantsClusterIp = (spec: Record<string, unknown>): boolean =>
  (spec.clusterIP === undefined || spec.clusterIP === "") && spec.type !== "ExternalName";

const defaultService = (spec: unknown, previous: unknown, allocate: () => string | undefined): unknown => {
  if (!isPlainObject(spec)) return spec;
  const prev = isPlainObject(previous) ? previous : {};
  // An update without a ClusterIP keeps the one the Service has; only a new Service gets a fresh one.
  const clusterIP = wantsClusterIp(spec) ? (prev.clusterIP ?? allocate()) : spec.clusterIP;
  return {
    type: "ClusterIP",
    sessionAffinity: "None",
    ...spec,
    ...(clusterIP === undefined
      ? {}
      : { clusterIP, clusterIPs: spec.clusterIPs ?? prev.clusterIPs ?? [clusterIP] }),
    ...(Array.isArray(spec.ports)
      ? {
          ports: spec.ports.map((p) =>
            isPlainObject(p) ? { protocol: "TCP", ...p, targetPort: p.targetPort ?? p.port } : p,
          ),
        }
      : {}),
  };
};

const preparedService = (obj: KObject, spec: unknown, ctx: StrategyContext): Prepared => {
  let exhausted = false;
  const allocate = () => {
    const ip = pickClusterIp(ctx.clusterIpsInUse(), randomStart());
    exhausted = ip === undefined;
    return ip;
  };
  const object = { ...obj, spec: defaultService(spec, undefined, allocate), status: { loadBalancer: {} } };
  const causes: StatusCause[] = exhausted
    ? [
        {
          reason: "FieldValueInvalid",
          message: `Internal error: failed to allocate a serviceIP: range ${SERVICE_CIDR} is full`,
          field: "spec.clusterIPs",
        },
      ]
    : [];
  return { object, causes };
};

/** Secrets fold `stringData` into base64 `data`, as the API server does. */
const foldStringData = (obj: KObject): KObject => {
  if (!isPlainObject(obj.stringData)) return { type: "Opaque", ...obj };
  const { stringData, ...rest } = obj;
  const data: Record<string, unknown> = isPlainObject(rest.data) ? { ...rest.data } : {};
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString("base64");
  return { type: "Opaque", ...rest, data };
};

export interface Prepared {
  readonly object: KObject;
  readonly causes: ReadonlyArray<StatusCause>;
}

export const prepareCreate = (def: ResourceDef, obj: KObject, at: string, ctx: StrategyContext): Prepared => {
  switch (kindKey(def)) {
    case "/Namespace":
      return {
        object: {
          ...obj,
          spec: { finalizers: ["kubernetes"] },
          status: { phase: "Active" },
        },
        causes: [],
      };
    case "/Pod":
      return { object: { ...obj, spec: defaultPodSpec(obj.spec), status: { phase: "Pending" } }, causes: [] };
    case "/Service":
      return preparedService(obj, obj.spec ?? {}, ctx);
    case "/PersistentVolumeClaim":
      return {
        object: {
          ...obj,
          spec: isPlainObject(obj.spec) ? { volumeMode: "Filesystem", ...obj.spec } : obj.spec,
          status: { phase: "Pending" },
        },
        causes: [],
      };
    case "/Secret":
      return { object: foldStringData(obj), causes: [] };
    case "batch/Job":
      return prepareJob(obj);
    case "apiextensions.k8s.io/CustomResourceDefinition": {
      const causes = validateCrd(obj);
      return { object: causes.length ? obj : { ...obj, status: crdStatus(obj, at) }, causes };
    }
    default:
      return { object: obj, causes: [] };
  }
};

/** Keeps condition times stable across CRD updates so a no-op update stays a no-op. */
const establishedAt = (crd: KObject): string | undefined => {
  const conditions = isPlainObject(crd.status) ? crd.status.conditions : undefined;
  const first = Array.isArray(conditions) ? conditions[0] : undefined;
  return isPlainObject(first) && typeof first.lastTransitionTime === "string"
    ? first.lastTransitionTime
    : undefined;
};

export const prepareUpdate = (def: ResourceDef, prev: KObject, next: KObject, at: string): Prepared => {
  switch (kindKey(def)) {
    case "/Namespace":
      return { object: { ...next, spec: prev.spec }, causes: [] };
    case "/Service":
      return {
        object: { ...next, spec: defaultService(next.spec ?? {}, prev.spec, () => undefined) },
        causes: [],
      };
    case "/Secret":
      return { object: foldStringData(next), causes: [] };
    case "apiextensions.k8s.io/CustomResourceDefinition": {
      const causes = validateCrd(next);
      return {
        object: causes.length
          ? next
          : { ...next, status: crdStatus({ ...next, status: prev.status }, establishedAt(prev) ?? at) },
        causes,
      };
    }
    default:
      return { object: next, causes: [] };
  }
};
