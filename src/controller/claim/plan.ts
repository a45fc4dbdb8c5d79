// SandboxClaim reconciler, pure half (§2.6): bind the claim to exactly one Sandbox (adopted warm or started
// cold), mirror its status, and end it per its lifecycle.
//
// Binding safety: every binding decision is first recorded on the claim (annotation `sandbox-name`) under an
// optimistic lock on the claim, and a warm Sandbox changes hands only under an optimistic lock on the
// Sandbox. A reconcile working from a stale cache therefore fails with Conflict instead of binding a second
// Sandbox (upstream #478), and two claims can never both take one Sandbox.
import type { Condition, v1beta1 } from "../../api";
import {
  ANNOTATION_CONTROLLER_FIRST_OBSERVED_AT,
  ANNOTATION_POD_NAME,
  ANNOTATION_SAFE_TO_EVICT,
  ANNOTATION_SANDBOX_NAME,
  ANNOTATION_SANDBOX_TEMPLATE_REF,
  ANNOTATION_TRACE_CONTEXT,
  CONDITION_FINISHED,
  CONDITION_READY,
  DEFAULT_ENV_VARS_INJECTION_POLICY,
  DEFAULT_VOLUME_CLAIM_TEMPLATES_POLICY,
  EVENT_CLAIM_EXPIRED,
  EVENT_SANDBOX_ADOPTED,
  EVENT_SANDBOX_PROVISIONED,
  LABEL_CLAIM_UID,
  LABEL_CREATED_BY,
  LABEL_LAUNCH_TYPE,
  LABEL_SANDBOX_NAME,
  LABEL_SANDBOX_POD_TEMPLATE_HASH,
  LABEL_SANDBOX_TEMPLATE_HASH,
  LABEL_SANDBOX_TEMPLATE_REF_HASH,
  LABEL_WARM_POOL_SANDBOX,
  LAUNCH_TYPE_COLD,
  LAUNCH_TYPE_WARM,
  MESSAGE_CLAIM_EXPIRED,
  nameHash,
  REASON_ADOPTION_CONFLICT,
  REASON_CLAIM_EXPIRED,
  REASON_ENV_VARS_INJECTION_REJECTED,
  REASON_INVALID_METADATA,
  REASON_SANDBOX_CREATE_PENDING,
  REASON_SANDBOX_EXPIRED,
  REASON_SANDBOX_NOT_READY,
  REASON_TEMPLATE_NOT_FOUND,
  REASON_VOLUME_CLAIM_TEMPLATES_ERROR,
  REASON_WARM_POOL_NOT_FOUND,
  SANDBOX,
  templateOfShadowPool,
  V1BETA1,
} from "../../api";
import type { Action, JsonObject, ObjectKey, Plan } from "../common/actions";
import { applySecureDefaults, blueprintHash, sameBlueprint } from "../common/blueprint";
import { jsonEqual } from "../common/canonical";
import { type ConditionInput, findCondition, metaTime, setCondition } from "../common/conditions";
import { controllingPool } from "../common/member-facts";
import { controllerRef, isControlledBy, isDeleting, mapPatch } from "../common/meta";
import { json } from "../sandbox/children";
import { type CandidatePick, pickCandidate } from "./candidates";
import { injectEnv, mergeVolumeClaimTemplates } from "./injection";
import { overlay, validateAdditionalPodMetadata } from "./metadata";
import type { ReservedNames } from "./reservations";

type Sandbox = v1beta1.Sandbox;
type Claim = v1beta1.SandboxClaim;

export interface ClaimConfig {
  readonly allowedLabelDomains: ReadonlyArray<string>;
  readonly dnsNameservers: ReadonlyArray<string>;
}

export interface ClaimObserved {
  readonly claim: Claim;
  readonly pool: v1beta1.SandboxWarmPool | undefined;
  readonly template: v1beta1.SandboxTemplate | undefined;
  /** Sandboxes in the claim's namespace by name (at least the status, annotation and claim-name ones). */
  readonly sandboxes: ReadonlyMap<string, Sandbox>;
  /** Members of the claim's pool (label `warm-pool-sandbox=NameHash(pool)`), in any order. */
  readonly candidates: ReadonlyArray<Sandbox>;
  /** Candidates other in-flight claims are adopting right now; skipped to avoid pointless conflicts. */
  readonly reserved: ReservedNames;
  readonly now: Date;
  readonly config: ClaimConfig;
}

export interface ClaimPlan extends Plan {
  /** The warm Sandbox this pass tries to adopt (the reconciler reserves it while the writes run). */
  readonly adopting?: string;
}

/** Missing pool or template: watches normally retrigger sooner. */
const NOT_FOUND_REQUEUE_MS = 60_000;
/** Cold create hit AlreadyExists: the cache is behind. */
const CREATE_PENDING_REQUEUE_MS = 200;
/** Warm candidates exist but none has a pod IP yet: wait this long after the claim's creation, then go cold. */
const POD_IP_WAIT_MS = 2000;
const POD_IP_RETRY_MS = 500;

const claimKey = (c: Claim): ObjectKey => ({
  kind: "SandboxClaim",
  namespace: c.metadata.namespace ?? "",
  name: c.metadata.name ?? "",
});
const sandboxKey = (c: Claim, name: string): ObjectKey => ({
  kind: "Sandbox",
  namespace: c.metadata.namespace ?? "",
  name,
});

/** When the claim expires: the earlier of shutdownTime and Finished + ttlSecondsAfterFinished. */
export const claimExpiry = (claim: Claim): number | undefined => {
  const lifecycle = claim.spec.lifecycle;
  const times: number[] = [];
  if (lifecycle?.shutdownTime !== undefined) times.push(Date.parse(lifecycle.shutdownTime));
  const finished = findCondition(claim.status?.conditions, CONDITION_FINISHED);
  if (lifecycle?.ttlSecondsAfterFinished !== undefined && finished?.status === "True")
    times.push(Date.parse(finished.lastTransitionTime) + lifecycle.ttlSecondsAfterFinished * 1000);
  return times.length === 0 ? undefined : Math.min(...times);
};

export const planClaim = (o: ClaimObserved): ClaimPlan => new ClaimPlanner(o).plan();

class ClaimPlanner {
  readonly claim: Claim;
  readonly name: string;
  readonly now: string;
  readonly actions: Action[] = [];
  /** Claim metadata changes, written as one patch under the claim's optimistic lock. */
  readonly claimAnnotations: Record<string, string | null> = {};

  constructor(readonly o: ClaimObserved) {
    this.claim = o.claim;
    this.name = o.claim.metadata.name ?? "";
    this.now = metaTime(o.now);
    if (o.claim.metadata.annotations?.[ANNOTATION_CONTROLLER_FIRST_OBSERVED_AT] === undefined)
      this.claimAnnotations[ANNOTATION_CONTROLLER_FIRST_OBSERVED_AT] = this.now;
  }

  plan(): ClaimPlan {
    if (isDeleting(this.claim.metadata)) return { actions: [] };
    const expiry = claimExpiry(this.claim);
    if (expiry !== undefined && this.o.now.getTime() >= expiry) return this.expire();
    const result = this.bind();
    if (expiry === undefined) return result;
    const remaining = expiry - this.o.now.getTime();
    return { ...result, requeueAfterMs: Math.min(result.requeueAfterMs ?? remaining, remaining) };
  }

  // --- status -------------------------------------------------------------------------------------------

  condition(c: Omit<ConditionInput, "observedGeneration">): ConditionInput {
    const generation = this.claim.metadata.generation;
    return generation === undefined ? c : { ...c, observedGeneration: generation };
  }

  /**
   * Claim metadata first, then the pass's other writes, then the status: locked on the version the metadata
   * write left, so the whole decision goes out in one pass and the status only if everything before it held.
   */
  finish(
    status: {
      conditions: ReadonlyArray<Condition>;
      sandbox?: { name: string; podIPs?: ReadonlyArray<string> };
    },
    extra: Partial<ClaimPlan> = {},
  ): ClaimPlan {
    const actions = [...this.actions];
    const annotated = Object.keys(this.claimAnnotations).length > 0;
    if (annotated) actions.unshift(this.claimPatch());
    const current = { conditions: this.claim.status?.conditions ?? [], sandbox: this.claim.status?.sandbox };
    const next = { conditions: status.conditions, sandbox: status.sandbox };
    if (!jsonEqual(stripEmpty(current), stripEmpty(next)))
      actions.push({
        _tag: "PatchStatus",
        key: claimKey(this.claim),
        // A merge patch keeps what it does not name: pod IPs the Sandbox no longer has are removed by name,
        // or the claim would go on reporting them (and rewrite its status on every pass).
        status: json({
          conditions: status.conditions,
          sandbox: status.sandbox
            ? { name: status.sandbox.name, podIPs: status.sandbox.podIPs ?? null }
            : null,
        }),
        ...(this.claim.metadata.resourceVersion
          ? { resourceVersion: this.claim.metadata.resourceVersion }
          : {}),
        ...(annotated ? { afterOwnPatch: true } : {}),
      });
    return { actions, ...extra };
  }

  claimPatch(): Action {
    return {
      _tag: "Patch",
      key: claimKey(this.claim),
      patch: { metadata: { annotations: this.claimAnnotations } },
      ...(this.claim.metadata.resourceVersion
        ? { resourceVersion: this.claim.metadata.resourceVersion }
        : {}),
    };
  }

  withReady(ready: Omit<ConditionInput, "observedGeneration" | "type">): ReadonlyArray<Condition> {
    return setCondition(
      this.claim.status?.conditions ?? [],
      this.condition({ type: CONDITION_READY, ...ready }),
      this.now,
    );
  }

  notReady(reason: string, message: string, extra: Partial<ClaimPlan> = {}): ClaimPlan {
    return this.finish({ conditions: this.withReady({ status: "False", reason, message }) }, extra);
  }

  // --- expiry -------------------------------------------------------------------------------------------

  expire(): ClaimPlan {
    const ready = findCondition(this.claim.status?.conditions, CONDITION_READY);
    if (ready?.reason !== REASON_CLAIM_EXPIRED) {
      this.actions.push(this.event("Normal", EVENT_CLAIM_EXPIRED, MESSAGE_CLAIM_EXPIRED));
      const plan = this.finish({
        conditions: this.withReady({
          status: "False",
          reason: REASON_CLAIM_EXPIRED,
          message: MESSAGE_CLAIM_EXPIRED,
        }),
        ...(this.claim.status?.sandbox?.name ? { sandbox: { name: this.claim.status.sandbox.name } } : {}),
      });
      return { ...plan, requeueAfterMs: 0 };
    }
    const policy = this.claim.spec.lifecycle?.shutdownPolicy ?? "Retain";
    const uid = this.claim.metadata.uid;
    if (policy === "Delete" || policy === "DeleteForeground") {
      this.actions.push({
        _tag: "Delete",
        key: claimKey(this.claim),
        ...(uid ? { uid } : {}),
        propagation: policy === "Delete" ? "Background" : "Foreground",
      });
      return { actions: this.actions };
    }
    // Retain: the claim stays (with its Finished history); the Sandbox it controls goes.
    for (const sandbox of this.boundCandidates())
      if (isControlledBy(sandbox.metadata, uid) && !isDeleting(sandbox.metadata))
        this.actions.push({
          _tag: "Delete",
          key: sandboxKey(this.claim, sandbox.metadata.name ?? ""),
          ...(sandbox.metadata.uid ? { uid: sandbox.metadata.uid } : {}),
        });
    return this.finish({ conditions: this.claim.status?.conditions ?? [] });
  }

  boundCandidates(): Sandbox[] {
    const names = new Set([this.claim.status?.sandbox?.name, this.lockName(), this.name]);
    return [...names].flatMap((n) =>
      n ? [this.o.sandboxes.get(n)].filter((s): s is Sandbox => s !== undefined) : [],
    );
  }

  lockName(): string | undefined {
    return (
      this.claim.metadata.annotations?.[ANNOTATION_SANDBOX_NAME] ??
      this.claim.metadata.labels?.[LABEL_SANDBOX_NAME]
    );
  }

  event(type: "Normal" | "Warning", reason: string, message: string): Action {
    return {
      _tag: "Event",
      regarding: { ...claimKey(this.claim), uid: this.claim.metadata.uid ?? "" },
      type,
      reason,
      message,
    };
  }

  // --- binding ------------------------------------------------------------------------------------------

  bind(): ClaimPlan {
    const invalid = validateAdditionalPodMetadata(
      this.claim.spec.additionalPodMetadata,
      this.o.config.allowedLabelDomains,
    );
    if (invalid !== undefined) return this.notReady(REASON_INVALID_METADATA, invalid);
    const uid = this.claim.metadata.uid;

    // 1. The Sandbox status already names, if the claim controls it.
    const fromStatus = this.o.sandboxes.get(this.claim.status?.sandbox?.name ?? "");
    if (fromStatus && isControlledBy(fromStatus.metadata, uid)) return this.bound(fromStatus);

    // 2. The recorded binding decision.
    const lock = this.lockName();
    if (lock !== undefined) {
      const locked = this.o.sandboxes.get(lock);
      if (locked && isControlledBy(locked.metadata, uid)) return this.bound(locked);
      if (lock === this.name && locked === undefined) return this.coldStart(true);
      if (locked && this.isPoolMember(locked)) return this.adopt(locked);
      // Taken by someone else or gone: forget it (the next decision overwrites it under the same lock).
      this.claimAnnotations[ANNOTATION_SANDBOX_NAME] = null;
    }

    // 3. A cold-start result from an earlier pass.
    const byName = this.o.sandboxes.get(this.name);
    if (byName) {
      if (isControlledBy(byName.metadata, uid)) return this.bound(byName);
      return this.notReady(
        REASON_ADOPTION_CONFLICT,
        `Sandbox ${this.name} exists and is not controlled by this claim`,
        { failure: "sandbox name taken" },
      );
    }

    const missing = this.missingPoolOrTemplate();
    if (missing) return missing;
    // A v1alpha1 claim names only a template; without a real pool of that shadow name it starts cold.
    if (this.o.pool === undefined) return this.coldStart(false);

    // 4. Per-claim env or volumes cannot be given to a running pod: always cold.
    const custom =
      (this.claim.spec.env ?? []).length > 0 || (this.claim.spec.volumeClaimTemplates ?? []).length > 0;
    if (custom) return this.coldStart(false);

    // 5. Warm adoption.
    const chosen = this.pickCandidate();
    if (chosen.pick) return this.adopt(chosen.pick);
    if (chosen.valid > 0) {
      // Adopting a member without a pod IP hands the client an unroutable sandbox (upstream #683): wait a
      // little for one, then fall back to a cold start.
      const age = this.o.now.getTime() - (Date.parse(this.claim.metadata.creationTimestamp ?? "") || 0);
      if (age < POD_IP_WAIT_MS)
        return this.notReady(REASON_SANDBOX_NOT_READY, "Waiting for a warm sandbox with a pod IP", {
          requeueAfterMs: Math.min(POD_IP_RETRY_MS, POD_IP_WAIT_MS - age),
        });
    }
    return this.coldStart(false);
  }

  isPoolMember(s: Sandbox): boolean {
    return controllingPool(s) === this.claim.spec.warmPoolRef.name;
  }

  /** The warm member to adopt (candidates.ts). */
  pickCandidate(): CandidatePick {
    const template = this.o.template;
    const recreate = this.o.pool?.spec.updateStrategy?.type === "Recreate";
    const nameservers = this.o.config.dnsNameservers;
    return pickCandidate({
      candidates: this.o.candidates,
      namespace: this.claim.metadata.namespace,
      pool: this.claim.spec.warmPoolRef.name,
      reserved: this.o.reserved,
      ...(recreate && template !== undefined
        ? {
            stale: {
              key: `${template.metadata.uid}@${template.metadata.resourceVersion}/${nameservers.join(",")}`,
              test: staleness(template, nameservers),
            },
          }
        : {}),
    });
  }

  /** Labels and podTemplate metadata a Sandbox bound to this claim carries. */
  desiredPodMetadata(): { labels: Record<string, string>; annotations: Record<string, string> } | string {
    const template = this.o.template!;
    const tplMeta = template.spec.podTemplate.metadata;
    const extra = this.claim.spec.additionalPodMetadata;
    const identity = this.identityLabels();
    const labels = overlay({ ...(tplMeta?.labels ?? {}), ...identity }, extra?.labels);
    if (typeof labels === "string") return labels;
    const annotations = overlay(tplMeta?.annotations ?? {}, extra?.annotations);
    if (typeof annotations === "string") return annotations;
    return { labels, annotations };
  }

  identityLabels(): Record<string, string> {
    const createdBy = this.claim.metadata.labels?.[LABEL_CREATED_BY];
    return {
      [LABEL_CLAIM_UID]: this.claim.metadata.uid ?? "",
      [LABEL_SANDBOX_TEMPLATE_REF_HASH]: nameHash(this.o.template?.metadata.name ?? ""),
      ...(createdBy !== undefined ? { [LABEL_CREATED_BY]: createdBy } : {}),
    };
  }

  adopt(sandbox: Sandbox): ClaimPlan {
    const name = sandbox.metadata.name ?? "";
    const podMeta = this.desiredPodMetadata();
    if (typeof podMeta === "string") return this.notReady(REASON_ADOPTION_CONFLICT, podMeta);
    // (a) Record the decision on the claim; a stale view of the claim fails here with Conflict.
    this.claimAnnotations[ANNOTATION_SANDBOX_NAME] = name;
    // (b) Take the Sandbox from the pool; a member another claim took meanwhile fails with Conflict.
    const trace = this.claim.metadata.annotations?.[ANNOTATION_TRACE_CONTEXT];
    const currentPod = sandbox.spec.podTemplate.metadata;
    const dropped = [LABEL_WARM_POOL_SANDBOX, LABEL_SANDBOX_POD_TEMPLATE_HASH, LABEL_SANDBOX_TEMPLATE_HASH];
    const podAnnotations: Record<string, string | null> = { ...podMeta.annotations };
    if (
      currentPod?.annotations?.[ANNOTATION_SAFE_TO_EVICT] === "true" &&
      podMeta.annotations[ANNOTATION_SAFE_TO_EVICT] === undefined
    )
      podAnnotations[ANNOTATION_SAFE_TO_EVICT] = null;
    const podLabels: Record<string, string | null> = { ...podMeta.labels };
    for (const k of dropped) if (currentPod?.labels?.[k] !== undefined) podLabels[k] = null;
    const labels: Record<string, string | null> = {
      ...this.identityLabels(),
      [LABEL_LAUNCH_TYPE]: LAUNCH_TYPE_WARM,
    };
    for (const k of dropped) labels[k] = null;
    this.actions.push({
      _tag: "Patch",
      key: sandboxKey(this.claim, name),
      ...(sandbox.metadata.resourceVersion ? { resourceVersion: sandbox.metadata.resourceVersion } : {}),
      patch: json({
        metadata: {
          labels,
          annotations: {
            [ANNOTATION_POD_NAME]: name,
            ...(trace !== undefined ? { [ANNOTATION_TRACE_CONTEXT]: trace } : {}),
          },
          ownerReferences: [controllerRef(this.claim)],
        },
        spec: { podTemplate: { metadata: { labels: podLabels, annotations: podAnnotations } } },
      }),
    });
    this.actions.push(this.event("Normal", EVENT_SANDBOX_ADOPTED, `Adopted warm Sandbox ${name}`));
    // Written only once both writes above held, when the claim does control the Sandbox (as upstream, whose
    // reconcile adopts and writes the status in one pass).
    return this.finish(this.boundStatus(sandbox), { adopting: name });
  }

  /**
   * The claim's pool and template, or why not: a missing pool is WarmPoolNotFound unless its name is a
   * v1alpha1 claim's shadow pool, which stands for the template in its name.
   */
  missingPoolOrTemplate(): ClaimPlan | undefined {
    const poolName = this.claim.spec.warmPoolRef.name;
    const templateName = this.o.pool?.spec.sandboxTemplateRef.name ?? templateOfShadowPool(poolName);
    if (templateName === undefined)
      return this.notReady(REASON_WARM_POOL_NOT_FOUND, `SandboxWarmPool "${poolName}" not found`, {
        requeueAfterMs: NOT_FOUND_REQUEUE_MS,
      });
    if (this.o.template === undefined)
      return this.notReady(REASON_TEMPLATE_NOT_FOUND, `SandboxTemplate "${templateName}" not found`, {
        requeueAfterMs: NOT_FOUND_REQUEUE_MS,
      });
    return undefined;
  }

  coldStart(decided: boolean): ClaimPlan {
    const missing = this.missingPoolOrTemplate();
    if (missing) return missing;
    const template = this.o.template!;
    const built = this.buildColdSandbox(template);
    if (!built.ok) return this.notReady(built.reason, built.error);
    if (!decided) this.claimAnnotations[ANNOTATION_SANDBOX_NAME] = this.name;
    // A decided claim whose Sandbox is missing may itself be gone (the garbage collector took the Sandbox
    // after the claim's deletion, and the claim cache lags): check live before creating on its behalf.
    // Undecided passes write the claim under its lock first, which fails just as well.
    else if (this.claim.metadata.uid)
      this.actions.push({ _tag: "RequireLive", key: claimKey(this.claim), uid: this.claim.metadata.uid });
    this.actions.push({ _tag: "Create", kind: "Sandbox", object: built.sandbox, onAlreadyExists: "requeue" });
    this.actions.push(this.event("Normal", EVENT_SANDBOX_PROVISIONED, `Created Sandbox ${this.name}`));
    if (decided)
      return this.notReady(REASON_SANDBOX_CREATE_PENDING, `Sandbox ${this.name} is being created`, {
        requeueAfterMs: CREATE_PENDING_REQUEUE_MS,
      });
    return this.finish({ conditions: this.claim.status?.conditions ?? [] });
  }

  buildColdSandbox(
    template: v1beta1.SandboxTemplate,
  ): { ok: true; sandbox: JsonObject } | { ok: false; reason: string; error: string } {
    const spec = template.spec;
    const vcts = mergeVolumeClaimTemplates(
      spec.volumeClaimTemplates,
      this.claim.spec.volumeClaimTemplates,
      spec.volumeClaimTemplatesPolicy ?? DEFAULT_VOLUME_CLAIM_TEMPLATES_POLICY,
    );
    if (!vcts.ok) return { ok: false, reason: REASON_VOLUME_CLAIM_TEMPLATES_ERROR, error: vcts.error };
    const pod = injectEnv(
      spec.podTemplate.spec,
      this.claim.spec.env,
      spec.envVarsInjectionPolicy ?? DEFAULT_ENV_VARS_INJECTION_POLICY,
    );
    if (!pod.ok) return { ok: false, reason: REASON_ENV_VARS_INJECTION_REJECTED, error: pod.error };
    const podMeta = this.desiredPodMetadata();
    if (typeof podMeta === "string") return { ok: false, reason: REASON_ADOPTION_CONFLICT, error: podMeta };
    const trace = this.claim.metadata.annotations?.[ANNOTATION_TRACE_CONTEXT];
    return {
      ok: true,
      sandbox: json({
        apiVersion: `${SANDBOX.group}/${V1BETA1}`,
        kind: SANDBOX.kind,
        metadata: {
          name: this.name,
          namespace: this.claim.metadata.namespace,
          labels: { ...this.identityLabels(), [LABEL_LAUNCH_TYPE]: LAUNCH_TYPE_COLD },
          annotations: {
            [ANNOTATION_SANDBOX_TEMPLATE_REF]: template.metadata.name,
            ...(trace !== undefined ? { [ANNOTATION_TRACE_CONTEXT]: trace } : {}),
          },
          ownerReferences: [controllerRef(this.claim)],
        },
        spec: {
          podTemplate: {
            metadata: podMeta,
            spec: applySecureDefaults(pod.value, spec, this.o.config.dnsNameservers),
          },
          ...(vcts.value.length > 0 ? { volumeClaimTemplates: vcts.value } : {}),
          ...(spec.service !== undefined ? { service: spec.service } : {}),
        },
      }),
    };
  }

  /** The claim has its Sandbox: keep its metadata in line with template and claim, and mirror its status. */
  bound(sandbox: Sandbox): ClaimPlan {
    const name = sandbox.metadata.name ?? "";
    if (this.lockName() !== name) this.claimAnnotations[ANNOTATION_SANDBOX_NAME] = name;
    if (this.o.template !== undefined) {
      const podMeta = this.desiredPodMetadata();
      if (typeof podMeta === "string") return this.notReady(REASON_ADOPTION_CONFLICT, podMeta);
      const current = sandbox.spec.podTemplate.metadata;
      const labels = mapPatch(sandbox.metadata.labels, this.identityLabels(), []);
      const podLabels = mapPatch(current?.labels, podMeta.labels, []);
      const podAnnotations = mapPatch(current?.annotations, podMeta.annotations, []);
      if (labels || podLabels || podAnnotations)
        this.actions.push({
          _tag: "Patch",
          key: sandboxKey(this.claim, name),
          patch: json({
            ...(labels ? { metadata: { labels } } : {}),
            ...(podLabels || podAnnotations
              ? {
                  spec: {
                    podTemplate: {
                      metadata: {
                        ...(podLabels ? { labels: podLabels } : {}),
                        ...(podAnnotations ? { annotations: podAnnotations } : {}),
                      },
                    },
                  },
                }
              : {}),
          }),
        });
    }
    return this.finish(this.boundStatus(sandbox));
  }

  /** The status of a claim bound to `sandbox`: its Ready (and Finished) mirrored, its name and pod IPs. */
  boundStatus(sandbox: Sandbox): {
    conditions: ReadonlyArray<Condition>;
    sandbox: { name: string; podIPs?: ReadonlyArray<string> };
  } {
    const podIPs = sandbox.status?.podIPs ?? [];
    return {
      conditions: this.mirror(sandbox),
      sandbox: { name: sandbox.metadata.name ?? "", ...(podIPs.length > 0 ? { podIPs } : {}) },
    };
  }

  mirror(sandbox: Sandbox): ReadonlyArray<Condition> {
    let conditions = this.claim.status?.conditions ?? [];
    const finished = findCondition(sandbox.status?.conditions, CONDITION_FINISHED);
    if (finished)
      conditions = setCondition(
        conditions,
        this.condition({
          type: CONDITION_FINISHED,
          status: finished.status,
          reason: finished.reason,
          message: finished.message,
        }),
        finished.lastTransitionTime,
      );
    const ready = findCondition(sandbox.status?.conditions, CONDITION_READY);
    if (ready === undefined)
      return setCondition(
        conditions,
        this.condition({
          type: CONDITION_READY,
          status: "False",
          reason: REASON_SANDBOX_NOT_READY,
          message: "Sandbox is not ready yet",
        }),
        this.now,
      );
    if (ready.reason === REASON_SANDBOX_EXPIRED)
      return setCondition(
        conditions,
        this.condition({
          type: CONDITION_READY,
          status: "False",
          reason: REASON_SANDBOX_EXPIRED,
          message: ready.message,
        }),
        this.now,
      );
    const copied = this.condition({
      type: CONDITION_READY,
      status: ready.status,
      reason: ready.reason,
      message: ready.message,
    });
    return setCondition(conditions, copied, ready.lastTransitionTime);
  }
}

/**
 * Whether a member was built from an older blueprint of `template` (its hash computed once, not per member,
 * and only when a member is asked about: claims rank a pool's members once per change among them).
 */
const staleness = (
  template: v1beta1.SandboxTemplate,
  nameservers: ReadonlyArray<string>,
): ((s: Sandbox) => boolean) => {
  let current: string | undefined;
  return (s) => {
    current ??= blueprintHash(template.spec);
    return (
      s.metadata.labels?.[LABEL_SANDBOX_TEMPLATE_HASH] !== current &&
      !sameBlueprint(s.spec, template.spec, nameservers)
    );
  };
};

const stripEmpty = (v: { conditions: ReadonlyArray<Condition>; sandbox?: unknown }) => ({
  conditions: v.conditions,
  ...(v.sandbox ? { sandbox: v.sandbox } : {}),
});
