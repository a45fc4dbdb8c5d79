// SandboxWarmPool reconciler, pure half (§2.5): keep `replicas` unclaimed Sandboxes built from the template.
import type { v1beta1 } from "../../api";
import {
  ANNOTATION_SAFE_TO_EVICT,
  ANNOTATION_SANDBOX_TEMPLATE_REF,
  CONDITION_POD_SCHEDULED,
  CREATED_BY_CONTROLLER,
  DEFAULT_WARM_POOL_REPLICAS,
  EVENT_WARM_POOL_NOT_PROGRESSING,
  EVENT_WARM_POOL_PROGRESSING,
  LABEL_CREATED_BY,
  LABEL_LAUNCH_TYPE,
  LABEL_SANDBOX_POD_TEMPLATE_HASH,
  LABEL_SANDBOX_TEMPLATE_HASH,
  LABEL_SANDBOX_TEMPLATE_REF_HASH,
  LABEL_WARM_POOL_SANDBOX,
  LAUNCH_TYPE_WARM,
  nameHash,
  SANDBOX,
  V1BETA1,
} from "../../api";
import type { Action, Json, JsonObject, ObjectKey, Plan } from "../common/actions";
import {
  applySecureDefaults,
  blueprintHash,
  blueprintOf,
  podTemplateHash,
  sameBlueprint,
} from "../common/blueprint";
import { jsonEqual } from "../common/canonical";
import { findCondition } from "../common/conditions";
import { memberFacts } from "../common/member-facts";
import { controllerRef, isDeleting } from "../common/meta";
import { json } from "../sandbox/children";

type Sandbox = v1beta1.Sandbox;

export interface WarmPoolConfig {
  /** Readiness grace: a member not Ready after this long is replaced (unless unschedulable). */
  readonly readinessGraceMs: number;
  readonly unschedulableRecheckMs: number;
  /** Add `safe-to-evict: "true"` to member pods (cluster autoscaler may move idle warm pods). */
  readonly enableEviction: boolean;
  readonly dnsNameservers: ReadonlyArray<string>;
}

export interface WarmPoolObserved {
  readonly pool: v1beta1.SandboxWarmPool;
  readonly template: v1beta1.SandboxTemplate | undefined;
  /** Sandboxes in the pool's namespace labelled `warm-pool-sandbox=NameHash(pool)`. */
  readonly members: ReadonlyArray<Sandbox>;
  /** False while earlier creates/deletes have not shown up in the cache yet: no scaling until they do. */
  readonly expectationsSatisfied: boolean;
  /** UIDs of members this controller already deleted (counted as terminating until the cache drops them). */
  readonly pendingDeletes: ReadonlySet<string>;
  /** Whether the last pass reported WarmPoolNotProgressing (so recovery is announced once). */
  readonly wasNotProgressing: boolean;
  readonly now: Date;
  readonly config: WarmPoolConfig;
}

export interface WarmPoolPlan extends Plan {
  readonly notProgressing: boolean;
}

const TEMPLATE_MISSING_REQUEUE_MS = 60_000;

export const poolSelector = (pool: v1beta1.SandboxWarmPool): string =>
  `${LABEL_WARM_POOL_SANDBOX}=${nameHash(pool.metadata.name ?? "")}`;

/** Delete a member only as we saw it: a member a claim adopted meanwhile has a new resourceVersion. */
const deleteMember = (s: Sandbox): Action => ({
  _tag: "Delete",
  key: { kind: "Sandbox", namespace: s.metadata.namespace ?? "", name: s.metadata.name ?? "" },
  ...(s.metadata.uid ? { uid: s.metadata.uid } : {}),
  ...(s.metadata.resourceVersion ? { resourceVersion: s.metadata.resourceVersion } : {}),
});

const memberKey = (s: Sandbox): ObjectKey => ({
  kind: "Sandbox",
  namespace: s.metadata.namespace ?? "",
  name: s.metadata.name ?? "",
});

export const planWarmPool = (o: WarmPoolObserved): WarmPoolPlan => {
  const { pool, template } = o;
  if (isDeleting(pool.metadata)) return { actions: [], notProgressing: false };
  const actions: Action[] = [];
  const poolUid = pool.metadata.uid;
  const strategy = pool.spec.updateStrategy?.type ?? "OnReplenish";
  const templateHash = nameHash(pool.spec.sandboxTemplateRef.name);
  /** The template's blueprint hash, computed once per pass (and only if a member needs checking). */
  let currentBlueprint: string | undefined;
  const isStale = (s: Sandbox): boolean => {
    if (template === undefined) return false;
    if (s.metadata.labels?.[LABEL_SANDBOX_TEMPLATE_REF_HASH] !== templateHash) return true;
    currentBlueprint ??= blueprintHash(template.spec);
    if (s.metadata.labels?.[LABEL_SANDBOX_TEMPLATE_HASH] === currentBlueprint) return false;
    return !sameBlueprint(s.spec, template.spec, o.config.dnsNameservers);
  };

  // Each member's facts are cached per object (see member-facts.ts): a pass over an unchanged pool is a
  // lookup per member.
  let terminating = 0;
  const active: Sandbox[] = [];
  for (const member of o.members) {
    const f = memberFacts(member);
    if (f.deleting || o.pendingDeletes.has(f.uid)) {
      terminating++;
      continue;
    }
    if (f.hasController && f.controllerUid !== poolUid) continue;
    const orphan = !f.hasController;
    if ((orphan || strategy === "Recreate") && isStale(member)) {
      actions.push(deleteMember(member));
      terminating++;
      continue;
    }
    if (orphan || !f.warmLaunch) {
      const patch: Record<string, Json> = {};
      if (orphan) patch.ownerReferences = [controllerRef(pool)] as unknown as Json;
      if (!f.warmLaunch) patch.labels = { [LABEL_LAUNCH_TYPE]: LAUNCH_TYPE_WARM };
      actions.push({
        _tag: "Patch",
        key: memberKey(member),
        patch: { metadata: patch },
        ...(member.metadata.resourceVersion ? { resourceVersion: member.metadata.resourceVersion } : {}),
      });
    }
    active.push(member);
  }

  // Readiness grace: replace members that never became Ready, but keep unschedulable ones (replacing them
  // would not help and only churns the scheduler) and say so.
  let unschedulable = 0;
  let nextGraceDeadline: number | undefined;
  let readyReplicas = 0;
  const healthy: Sandbox[] = [];
  for (const member of active) {
    const f = memberFacts(member);
    if (f.ready) {
      healthy.push(member);
      readyReplicas++;
      continue;
    }
    // A member whose pod ended can never become Ready; nobody has claimed it, so replace it now.
    if (f.finished) {
      actions.push(deleteMember(member));
      terminating++;
      continue;
    }
    const deadline = f.created + o.config.readinessGraceMs;
    if (o.now.getTime() < deadline) {
      nextGraceDeadline = Math.min(nextGraceDeadline ?? deadline, deadline);
      healthy.push(member);
      continue;
    }
    const scheduled = findCondition(member.status?.conditions, CONDITION_POD_SCHEDULED);
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
      unschedulable++;
      healthy.push(member);
      continue;
    }
    actions.push(deleteMember(member));
    terminating++;
  }

  const poolKey = {
    kind: "SandboxWarmPool" as const,
    namespace: pool.metadata.namespace ?? "",
    name: pool.metadata.name ?? "",
  };
  const notProgressing = unschedulable > 0;
  if (notProgressing || o.wasNotProgressing !== notProgressing)
    actions.push({
      _tag: "Event",
      regarding: { ...poolKey, uid: poolUid ?? "" },
      type: notProgressing ? "Warning" : "Normal",
      reason: notProgressing ? EVENT_WARM_POOL_NOT_PROGRESSING : EVENT_WARM_POOL_PROGRESSING,
      message: notProgressing
        ? `${unschedulable} warm sandbox(es) cannot be scheduled`
        : "All warm sandboxes are schedulable again",
    });

  const desired = pool.spec.replicas ?? DEFAULT_WARM_POOL_REPLICAS;
  if (o.expectationsSatisfied) {
    const missing = desired - healthy.length - terminating;
    if (missing > 0 && template !== undefined) {
      // One member built and sent `missing` times (as upstream): the objects are only ever serialised.
      const member = buildMember(pool, template, o.config);
      actions.push({
        _tag: "CreateBatch",
        kind: "Sandbox",
        objects: Array.from({ length: missing }, () => member),
      });
    }
    const surplus = healthy.length - desired;
    if (surplus > 0)
      for (const member of scaleDownOrder(healthy).slice(0, surplus)) actions.push(deleteMember(member));
  }

  const status = {
    replicas: healthy.length,
    readyReplicas,
    selector: poolSelector(pool),
    ...(pool.metadata.generation !== undefined ? { observedGeneration: pool.metadata.generation } : {}),
  };
  if (!jsonEqual(pool.status ?? {}, status))
    actions.push({ _tag: "PatchStatus", key: poolKey, status: json(status) });

  const requeues = [
    nextGraceDeadline === undefined ? undefined : nextGraceDeadline - o.now.getTime(),
    notProgressing ? o.config.unschedulableRecheckMs : undefined,
    template === undefined ? TEMPLATE_MISSING_REQUEUE_MS : undefined,
  ].filter((n): n is number => n !== undefined);
  return {
    actions,
    notProgressing,
    ...(requeues.length > 0 ? { requeueAfterMs: Math.max(1, Math.min(...requeues)) } : {}),
  };
};

/** Scale down: members that are not Ready first, then the newest, so the longest-warm stay. */
export const scaleDownOrder = (members: ReadonlyArray<Sandbox>): Sandbox[] =>
  [...members].sort(
    (a, b) =>
      Number(memberFacts(a).ready) - Number(memberFacts(b).ready) ||
      memberFacts(b).created - memberFacts(a).created ||
      (b.metadata.name ?? "").localeCompare(a.metadata.name ?? ""),
  );

export const buildMember = (
  pool: v1beta1.SandboxWarmPool,
  template: v1beta1.SandboxTemplate,
  config: WarmPoolConfig,
): JsonObject => {
  const poolName = pool.metadata.name ?? "";
  const hashes = {
    [LABEL_WARM_POOL_SANDBOX]: nameHash(poolName),
    [LABEL_SANDBOX_TEMPLATE_REF_HASH]: nameHash(template.metadata.name ?? ""),
    [LABEL_SANDBOX_POD_TEMPLATE_HASH]: podTemplateHash(template.spec),
    [LABEL_SANDBOX_TEMPLATE_HASH]: blueprintHash(template.spec),
  };
  const blueprint = blueprintOf(template.spec);
  const podMeta = blueprint.podTemplate.metadata;
  const annotations = { ...(podMeta?.annotations ?? {}) };
  if (config.enableEviction && annotations[ANNOTATION_SAFE_TO_EVICT] === undefined)
    annotations[ANNOTATION_SAFE_TO_EVICT] = "true";
  return json({
    apiVersion: `${SANDBOX.group}/${V1BETA1}`,
    kind: SANDBOX.kind,
    metadata: {
      generateName: `${poolName}-`,
      namespace: pool.metadata.namespace,
      labels: { ...hashes, [LABEL_LAUNCH_TYPE]: LAUNCH_TYPE_WARM, [LABEL_CREATED_BY]: CREATED_BY_CONTROLLER },
      annotations: { [ANNOTATION_SANDBOX_TEMPLATE_REF]: template.metadata.name },
      ownerReferences: [controllerRef(pool)],
    },
    spec: {
      ...blueprint,
      podTemplate: {
        metadata: { labels: { ...(podMeta?.labels ?? {}), ...hashes }, annotations },
        spec: applySecureDefaults(blueprint.podTemplate.spec, template.spec, config.dnsNameservers),
      },
      operatingMode: "Running",
    },
  });
};

/** Slow start: batches of 1, 2, 4, ... capped at maxBatch, so a failing create costs one call, not n. */
export const slowStartBatches = (n: number, maxBatch: number): number[] => {
  const out: number[] = [];
  let size = 1;
  for (let left = n; left > 0; ) {
    const batch = Math.min(size, left, Math.max(1, maxBatch));
    out.push(batch);
    left -= batch;
    size *= 2;
  }
  return out;
};
