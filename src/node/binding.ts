import { Effect } from "effect";
import type { Pod } from "../api/index";
import type { KubeClientApi } from "../kube/client";
import { isTransient } from "../kube/errors";
import { refs } from "../kube/resources";
import { retryUntilReachable } from "../kube/retry";

/** Pods this agent schedules: no node yet, not being deleted, and meant for the default scheduler. */
export const wantsScheduling = (pod: Pod): boolean =>
  !pod.spec.nodeName &&
  pod.metadata.deletionTimestamp === undefined &&
  ((pod.spec as { schedulerName?: string }).schedulerName ?? "default-scheduler") === "default-scheduler";

/**
 * Binds a pod to the node through `pods/<name>/binding`, as the scheduler does. An API server without
 * the binding subresource gets a merge patch of `spec.nodeName` instead. A pod someone else bound
 * first (Conflict) is left alone; while the API server is unavailable, the binding is retried.
 */
export const bindPod = (kube: KubeClientApi, pod: Pod, nodeName: string) => {
  const namespace = pod.metadata.namespace ?? "default";
  const name = pod.metadata.name ?? "";
  const binding = {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name, namespace, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
    target: { apiVersion: "v1", kind: "Node", name: nodeName },
  };
  const viaPatch = kube.patch(refs.pod, name, { type: "merge", body: { spec: { nodeName } } }, { namespace });
  return kube
    .request(
      "POST",
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/binding`,
      binding,
    )
    .pipe(
      Effect.asVoid,
      Effect.catchIf(
        (e) => e._tag !== "Conflict" && !isTransient(e),
        () => Effect.asVoid(viaPatch),
      ),
      // Nothing else would bind it: an unbound pod that never changes again would stay Pending for good.
      retryUntilReachable(),
      Effect.catchAll((e) =>
        e._tag === "Conflict" || e._tag === "NotFound"
          ? Effect.void
          : Effect.logWarning(`could not bind pod ${namespace}/${name} to ${nodeName}`, e),
      ),
    );
};
