// Keeps the served kinds in step with stored CustomResourceDefinitions: a new CRD is served at once, an
// updated one is re-read, a deleted one takes its custom resources and watches with it.
import type { Engine } from "./engine";
import { metaOf } from "./meta";
import { isPlainObject } from "./patch/merge";
import type { Registry } from "./resources/registry";
import { type KObject, resourceId } from "./resources/types";

export const CRD_RID = "customresourcedefinitions.apiextensions.k8s.io";

const established = (crd: KObject): boolean =>
  isPlainObject(crd.status) &&
  Array.isArray(crd.status.conditions) &&
  crd.status.conditions.some((c) => isPlainObject(c) && c.type === "Established" && c.status === "True");

export const serveStoredCrds = (engine: Engine, registry: Registry): void => {
  for (const crd of engine.store.list(CRD_RID)) if (established(crd)) registry.putCrd(crd);
  engine.onCommit((events) => {
    for (const e of events) {
      if (e.rid !== CRD_RID) continue;
      if (e.type !== "DELETED") {
        if (established(e.object)) registry.putCrd(e.object);
        continue;
      }
      const def = registry.removeCrd(String(metaOf(e.object).name));
      if (!def) continue;
      const rid = resourceId(def);
      const doomed = engine.store.list(rid);
      if (doomed.length > 0)
        engine.commit(doomed.map((object) => ({ type: "DELETED" as const, rid, object })));
      engine.hub.dropResource(rid);
    }
  });
};
