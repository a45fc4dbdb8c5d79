// The scale subresource: an autoscaling/v1 Scale view over the replica paths a resource declares.
import type { Engine, Target } from "./engine";
import { metaOf } from "./meta";
import { isPlainObject } from "./patch/merge";
import type { KObject, ScaleSubresource } from "./resources/types";
import { badRequest } from "./status";

const segments = (path: string): string[] => path.replace(/^\./, "").split(".");

const read = (obj: unknown, path: string): unknown => {
  let cur = obj;
  for (const s of segments(path)) cur = isPlainObject(cur) ? cur[s] : undefined;
  return cur;
};

const write = (obj: KObject, path: string, value: unknown): KObject => {
  const parts = segments(path);
  const set = (node: unknown, i: number): unknown => {
    const base = isPlainObject(node) ? node : {};
    return { ...base, [parts[i]!]: i === parts.length - 1 ? value : set(base[parts[i]!], i + 1) };
  };
  return set(obj, 0) as KObject;
};

export const toScale = (scale: ScaleSubresource, obj: KObject): KObject => {
  const meta = metaOf(obj);
  const selector = scale.labelSelectorPath ? read(obj, scale.labelSelectorPath) : undefined;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: Number(read(obj, scale.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(read(obj, scale.statusReplicasPath) ?? 0),
      ...(typeof selector === "string" ? { selector } : {}),
    },
  };
};

/** Writes `spec.replicas` of a Scale body back into the object (honouring its resourceVersion). */
export const updateScale = (engine: Engine, t: Target, name: string, body: unknown): KObject => {
  const scale = t.def.scale!;
  if (!isPlainObject(body) || !isPlainObject(body.spec) || typeof body.spec.replicas !== "number") {
    throw badRequest("a Scale body with spec.replicas is required");
  }
  const current = engine.get(t, name);
  const rv = metaOf(body).resourceVersion;
  const next = write(current, scale.specReplicasPath, body.spec.replicas);
  const withRv = { ...next, metadata: { ...metaOf(next), ...(rv ? { resourceVersion: rv } : {}) } };
  return toScale(scale, engine.update(t, name, withRv, ""));
};
