// The Deployment controller's decisions, pure: which pods to create and delete and what status to report,
// from a Deployment and the pods it owns. Local mode has no ReplicaSets: a Deployment owns its pods
// directly, and the `pod-template-hash` label tells the pods of the current template from older ones.
import type { KubeObject, LabelSelector, OwnerReferenceLike } from "../kube/index";
import { formatSelector, fromLabelSelector } from "../kube/index";

export interface PodTemplate {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: unknown;
}

export interface DeploymentCondition {
  readonly type: string;
  readonly status: "True" | "False";
  readonly reason: string;
  readonly message: string;
  readonly lastUpdateTime: string;
  readonly lastTransitionTime: string;
}

export interface DeploymentStatus {
  readonly observedGeneration?: number;
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly unavailableReplicas: number;
  readonly selector: string;
  readonly conditions: readonly DeploymentCondition[];
}

export interface Deployment extends KubeObject {
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: LabelSelector;
    readonly template?: PodTemplate;
    readonly strategy?: {
      readonly type?: string;
      readonly rollingUpdate?: { readonly maxUnavailable?: number | string };
    };
  };
  readonly status?: Partial<DeploymentStatus>;
}

export interface OwnedPod extends KubeObject {
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
  };
}

export type DeploymentAction =
  | { readonly _tag: "Create"; readonly pod: KubeObject }
  | { readonly _tag: "Delete"; readonly name: string; readonly uid: string };

export interface DeploymentPlan {
  readonly actions: readonly DeploymentAction[];
  readonly status: DeploymentStatus;
}

export const POD_TEMPLATE_HASH = "pod-template-hash";

/** Keys sorted at every level, so the hash depends on the template's content only. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(",")}]`
    : value !== null && typeof value === "object"
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(",")}}`
      : JSON.stringify(value);

// The alphabet Kubernetes uses for generated suffixes: no vowels, so no words, and no look-alike characters.
const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** A short, label-safe hash of the pod template (FNV-1a, 32 bits). */
export const templateHash = (template: PodTemplate | undefined): string => {
  let h = 0x811c9dc5;
  for (const ch of canonical(template ?? {})) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Seven base-27 digits cover every 32-bit value.
  let out = "";
  for (let i = 0; i < 7; i++) {
    out += SAFE[h % SAFE.length];
    h = Math.floor(h / SAFE.length);
  }
  return out;
};

export const isPodReady = (pod: OwnedPod): boolean =>
  pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

const isTerminal = (pod: OwnedPod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** `maxUnavailable` as a count: a number, or a percentage of the replicas rounded down (default 25%). */
export const maxUnavailableOf = (deployment: Deployment, desired: number): number => {
  if (deployment.spec?.strategy?.type === "Recreate") return desired;
  const raw = deployment.spec?.strategy?.rollingUpdate?.maxUnavailable ?? "25%";
  if (typeof raw === "number") return Math.max(0, Math.min(desired, raw));
  const percent = Number(raw.replace(/%$/, ""));
  return Number.isFinite(percent) ? Math.max(0, Math.min(desired, Math.floor((desired * percent) / 100))) : 0;
};

/** The pods a Deployment controls: a controller owner reference with its uid. */
export const isOwnedBy = (pod: KubeObject, deployment: KubeObject): boolean =>
  (pod.metadata?.ownerReferences ?? []).some(
    (o) => o.controller === true && o.uid === deployment.metadata?.uid,
  );

const podFor = (deployment: Deployment, hash: string): KubeObject => {
  const meta = deployment.metadata ?? {};
  const template = deployment.spec?.template ?? {};
  const owner: OwnerReferenceLike = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${meta.name}-${hash}-`,
      namespace: meta.namespace ?? "default",
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [owner],
    },
    spec: template.spec ?? {},
  };
};

/** Kept from the previous status while a condition's status and reason stay the same. */
const condition = (
  previous: readonly DeploymentCondition[] | undefined,
  fresh: Omit<DeploymentCondition, "lastUpdateTime" | "lastTransitionTime">,
  now: string,
): DeploymentCondition => {
  const before = previous?.find((c) => c.type === fresh.type);
  if (before && before.status === fresh.status && before.reason === fresh.reason)
    return { ...fresh, lastUpdateTime: before.lastUpdateTime, lastTransitionTime: before.lastTransitionTime };
  return {
    ...fresh,
    lastUpdateTime: now,
    lastTransitionTime: before && before.status === fresh.status ? before.lastTransitionTime : now,
  };
};

/** Unready first, then newest first: the pods a scale-down gives up (as the ReplicaSet controller ranks). */
const deletionOrder = (a: OwnedPod, b: OwnedPod): number =>
  Number(isPodReady(a)) - Number(isPodReady(b)) ||
  (b.metadata?.creationTimestamp ?? "").localeCompare(a.metadata?.creationTimestamp ?? "");

const deleteOf = (pod: OwnedPod): DeploymentAction => ({
  _tag: "Delete",
  name: pod.metadata?.name ?? "",
  uid: pod.metadata?.uid ?? "",
});

/**
 * Plans one reconcile. Rolling updates surge: pods of the new template are created at once, and the old
 * ones go when enough new ones are ready (unready old pods go at once). `Recreate` removes the old pods
 * before creating new ones. Finished pods are deleted so they are replaced.
 */
export const planDeployment = (
  deployment: Deployment,
  owned: readonly OwnedPod[],
  now: string,
): DeploymentPlan => {
  const desired = Math.max(0, deployment.spec?.replicas ?? 1);
  const hash = templateHash(deployment.spec?.template);
  const present = owned.filter((p) => p.metadata?.deletionTimestamp === undefined);
  const finished = present.filter(isTerminal);
  const live = present.filter((p) => !isTerminal(p));
  const current = live.filter((p) => p.metadata?.labels?.[POD_TEMPLATE_HASH] === hash);
  const old = live.filter((p) => p.metadata?.labels?.[POD_TEMPLATE_HASH] !== hash);
  const recreate = deployment.spec?.strategy?.type === "Recreate";
  const readyCurrent = current.filter(isPodReady).length;

  const actions: DeploymentAction[] = finished.map(deleteOf);
  const oldToDelete = recreate || readyCurrent >= desired ? old : old.filter((p) => !isPodReady(p));
  actions.push(...oldToDelete.map(deleteOf));
  if (current.length > desired)
    actions.push(
      ...[...current]
        .sort(deletionOrder)
        .slice(0, current.length - desired)
        .map(deleteOf),
    );
  if (current.length < desired && !(recreate && old.length > 0))
    for (let i = current.length; i < desired; i++)
      actions.push({ _tag: "Create", pod: podFor(deployment, hash) });

  const ready = live.filter(isPodReady).length;
  const available = ready;
  const updated = current.length;
  const complete = updated === desired && live.length === updated && available >= updated;
  const minimum = available >= desired - maxUnavailableOf(deployment, desired);
  const previous = deployment.status?.conditions;
  const status: DeploymentStatus = {
    ...(deployment.metadata?.generation === undefined
      ? {}
      : { observedGeneration: deployment.metadata.generation }),
    replicas: live.length,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    unavailableReplicas: Math.max(0, desired - available),
    selector: formatSelector(fromLabelSelector(deployment.spec?.selector ?? {})),
    conditions: [
      condition(
        previous,
        minimum
          ? {
              type: "Available",
              status: "True",
              reason: "MinimumReplicasAvailable",
              message: "Deployment has minimum availability.",
            }
          : {
              type: "Available",
              status: "False",
              reason: "MinimumReplicasUnavailable",
              message: "Deployment does not have minimum availability.",
            },
        now,
      ),
      condition(
        previous,
        complete
          ? {
              type: "Progressing",
              status: "True",
              reason: "NewReplicaSetAvailable",
              message: `Deployment "${deployment.metadata?.name}" has successfully progressed.`,
            }
          : {
              type: "Progressing",
              status: "True",
              reason: "ReplicaSetUpdated",
              message: `Deployment "${deployment.metadata?.name}" is progressing.`,
            },
        now,
      ),
    ],
  };
  return { actions, status };
};
