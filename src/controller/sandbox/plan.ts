// Sandbox reconciler, pure half (§2.2, §2.3): from the Sandbox and the children the cache holds, the writes
// that bring the cluster to the spec and the status that describes it.
import type { Condition, PersistentVolumeClaim, Pod, Service, v1beta1 } from "../../api";
import {
  ANNOTATION_POD_NAME,
  ANNOTATION_PROPAGATED_ANNOTATIONS,
  ANNOTATION_PROPAGATED_LABELS,
  CONDITION_FINISHED,
  CONDITION_POD_SCHEDULED,
  CONDITION_READY,
  CONDITION_SUSPENDED,
  EVENT_MULTIPLE_PODS,
  LABEL_ADOPTABLE,
  LABEL_SANDBOX_NAME_HASH,
  MESSAGE_SANDBOX_EXPIRED,
  nameHash,
  pvcName,
  REASON_DEPENDENCIES_NOT_READY,
  REASON_DEPENDENCIES_READY,
  REASON_MULTIPLE_PODS,
  REASON_NOT_SUSPENDED,
  REASON_POD_FAILED,
  REASON_POD_NOT_OWNED,
  REASON_POD_SCHEDULED,
  REASON_POD_SCHEDULING_UNKNOWN,
  REASON_POD_SUCCEEDED,
  REASON_POD_TERMINATED,
  REASON_POD_TERMINATING,
  REASON_RECONCILER_ERROR,
  REASON_SANDBOX_EXPIRED,
  REASON_SANDBOX_SUSPENDED,
  serviceFQDN,
} from "../../api";
import type { Action, Json, JsonObject, ObjectKey, Plan } from "../common/actions";
import { jsonEqual } from "../common/canonical";
import {
  type ConditionInput,
  findCondition,
  metaTime,
  removeCondition,
  setCondition,
} from "../common/conditions";
import { controllerOf, controllerRef, isControlledBy, isDeleting, mapPatch, splitKeys } from "../common/meta";
import { buildPod, buildPvc, buildService, desiredPodMetadata, serviceSelector } from "./children";
import { servicePorts } from "./ports";

type Sandbox = v1beta1.Sandbox;

export interface SandboxObserved {
  readonly sandbox: Sandbox;
  /** Pods labelled with this Sandbox's name hash, plus the pod named by `pod-name` (or the sandbox name). */
  readonly pods: ReadonlyArray<Pod>;
  /** The Service named after the Sandbox, if any. */
  readonly service: Service | undefined;
  /** PVCs in the namespace by name (at least those named `<vct>-<sandbox>`). */
  readonly pvcs: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly now: Date;
  readonly clusterDomain: string;
}

/** Before expiry the Sandbox is looked at again no later than this (upstream: max(remaining, 2s)). */
const MIN_EXPIRY_REQUEUE_MS = 2000;

export const planSandbox = (o: SandboxObserved): Plan => {
  const { sandbox } = o;
  if (isDeleting(sandbox.metadata)) return { actions: [] };
  const now = metaTime(o.now);
  const shutdown =
    sandbox.spec.shutdownTime === undefined ? undefined : Date.parse(sandbox.spec.shutdownTime);
  if (shutdown !== undefined && o.now.getTime() >= shutdown) return planExpired(o, now);

  const b = new Builder(o, now);
  b.reconcile();
  const plan = b.finish();
  if (shutdown === undefined) return plan;
  const remaining = Math.max(shutdown - o.now.getTime(), MIN_EXPIRY_REQUEUE_MS);
  return { ...plan, requeueAfterMs: Math.min(plan.requeueAfterMs ?? remaining, remaining) };
};

const keyOf = (kind: ObjectKey["kind"], sandbox: Sandbox, name: string): ObjectKey => ({
  kind,
  namespace: sandbox.metadata.namespace ?? "",
  name,
});

const sandboxKey = (s: Sandbox): ObjectKey => keyOf("Sandbox", s, s.metadata.name ?? "");

const statusPatch = (sandbox: Sandbox, status: SandboxStatus): Action | undefined => {
  const current = sandbox.status ?? {};
  if (jsonEqual(normaliseStatus(current), normaliseStatus(status))) return undefined;
  // Merge patch: fields we no longer report are deleted explicitly.
  const patch: Record<string, Json> = {};
  for (const key of STATUS_FIELDS) patch[key] = (status[key] as Json | undefined) ?? null;
  return { _tag: "PatchStatus", key: sandboxKey(sandbox), status: patch };
};

interface SandboxStatus {
  conditions?: ReadonlyArray<Condition>;
  selector?: string;
  podIPs?: ReadonlyArray<string>;
  nodeName?: string;
  service?: string;
  serviceFQDN?: string;
}
const STATUS_FIELDS = ["conditions", "selector", "podIPs", "nodeName", "service", "serviceFQDN"] as const;

const normaliseStatus = (s: object): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of STATUS_FIELDS) {
    const v = (s as Record<string, unknown>)[key];
    if (v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)) out[key] = v;
  }
  return out;
};

const withGeneration = (sandbox: Sandbox, c: Omit<ConditionInput, "observedGeneration">): ConditionInput =>
  sandbox.metadata.generation === undefined ? c : { ...c, observedGeneration: sandbox.metadata.generation };

/** §2.2 step 2: first mark the Sandbox expired, then remove its pod and Service (and itself under Delete). */
const planExpired = (o: SandboxObserved, now: string): Plan => {
  const { sandbox } = o;
  const conditions = sandbox.status?.conditions ?? [];
  const expired = withGeneration(sandbox, {
    type: CONDITION_READY,
    status: "False",
    reason: REASON_SANDBOX_EXPIRED,
    message: MESSAGE_SANDBOX_EXPIRED,
  });
  if (findCondition(conditions, CONDITION_READY)?.reason !== REASON_SANDBOX_EXPIRED) {
    const marked = removeCondition(setCondition(conditions, expired, now), CONDITION_POD_SCHEDULED);
    const write = statusPatch(sandbox, { ...statusFields(sandbox.status), conditions: marked });
    return { actions: write ? [write] : [], requeueAfterMs: 1 };
  }
  const actions: Action[] = [];
  const uid = sandbox.metadata.uid;
  const podName = sandbox.metadata.annotations?.[ANNOTATION_POD_NAME] ?? sandbox.metadata.name ?? "";
  const pod = o.pods.find((p) => p.metadata.name === podName);
  if (pod && isControlledBy(pod.metadata, uid) && !isDeleting(pod.metadata))
    actions.push(deleteOf("Pod", sandbox, pod.metadata));
  if (o.service && isControlledBy(o.service.metadata, uid))
    actions.push(deleteOf("Service", sandbox, o.service.metadata));
  if (sandbox.spec.shutdownPolicy === "Delete") {
    actions.push({ _tag: "Delete", key: sandboxKey(sandbox), ...(uid ? { uid } : {}) });
    return { actions };
  }
  const finished = findCondition(conditions, CONDITION_FINISHED);
  const kept = setCondition(finished ? [finished] : [], expired, now);
  const write = statusPatch(sandbox, { conditions: kept });
  if (write) actions.push(write);
  return { actions };
};

const statusFields = (s: v1beta1.Sandbox["status"]): SandboxStatus => {
  const out: SandboxStatus = {};
  if (s?.selector) out.selector = s.selector;
  if (s?.podIPs) out.podIPs = s.podIPs;
  if (s?.nodeName) out.nodeName = s.nodeName;
  if (s?.service) out.service = s.service;
  if (s?.serviceFQDN) out.serviceFQDN = s.serviceFQDN;
  return out;
};

const deleteOf = (kind: ObjectKey["kind"], sandbox: Sandbox, meta: Pod["metadata"]): Action => ({
  _tag: "Delete",
  key: keyOf(kind, sandbox, meta.name ?? ""),
  ...(meta.uid ? { uid: meta.uid } : {}),
});

const isAdoptable = (sandbox: Sandbox, meta: Pod["metadata"]): boolean =>
  meta.labels?.[LABEL_ADOPTABLE] === "true" ||
  meta.labels?.[LABEL_SANDBOX_NAME_HASH] === nameHash(sandbox.metadata.name ?? "");

type Ownership = "owned" | "unowned" | "foreign";
const ownershipOf = (sandbox: Sandbox, meta: Pod["metadata"]): Ownership => {
  const owner = controllerOf(meta);
  if (owner === undefined) return "unowned";
  return owner.uid === sandbox.metadata.uid ? "owned" : "foreign";
};

/** An error the reconcile cannot get past: reported as Ready=False/ReconcilerError and retried with backoff. */
class Blocked {
  constructor(readonly message: string) {}
}

class Builder {
  readonly actions: Action[] = [];
  readonly sandbox: Sandbox;
  readonly name: string;
  conditions: ReadonlyArray<Condition>;
  status: SandboxStatus = {};
  failure: string | undefined;
  requeueAfterMs: number | undefined;
  /** The owned pod after this pass's writes: the one found, or the one this pass creates (as just created). */
  pod: Pod | undefined;
  /** A Failed pod is being replaced this pass. */
  recreating = false;
  foreignPod: Pod | undefined;
  multiplePods = false;
  serviceExists = false;
  sandboxAnnotations: Record<string, string | null> = {};

  constructor(
    readonly o: SandboxObserved,
    readonly now: string,
  ) {
    this.sandbox = o.sandbox;
    this.name = o.sandbox.metadata.name ?? "";
    this.conditions = o.sandbox.status?.conditions ?? [];
  }

  reconcile(): void {
    try {
      this.reconcilePvcs();
      this.reconcilePod();
      if (!this.multiplePods) this.reconcileService();
    } catch (e) {
      if (!(e instanceof Blocked)) throw e;
      this.failure = e.message;
    }
  }

  finish(): Plan {
    if (Object.keys(this.sandboxAnnotations).length > 0)
      this.actions.push({
        _tag: "Patch",
        key: sandboxKey(this.sandbox),
        patch: { metadata: { annotations: this.sandboxAnnotations } },
      });
    this.computeConditions();
    const write = statusPatch(this.sandbox, { ...this.status, conditions: this.conditions });
    if (write && !this.onlyNodeNameChanged()) this.actions.push(write);
    return {
      actions: this.actions,
      ...(this.requeueAfterMs !== undefined ? { requeueAfterMs: this.requeueAfterMs } : {}),
      ...(this.failure !== undefined ? { failure: this.failure } : {}),
    };
  }

  /** Upstream defers a write that only moves nodeName until the Sandbox is Ready (fewer status writes). */
  onlyNodeNameChanged(): boolean {
    const current = normaliseStatus(this.sandbox.status ?? {});
    const next = normaliseStatus({ ...this.status, conditions: this.conditions });
    if (current.nodeName === next.nodeName) return false;
    delete current.nodeName;
    delete next.nodeName;
    return jsonEqual(current, next) && findCondition(this.conditions, CONDITION_READY)?.status !== "True";
  }

  reconcilePvcs(): void {
    for (const vct of this.sandbox.spec.volumeClaimTemplates ?? []) {
      const name = pvcName(vct.metadata?.name ?? "", this.name);
      const existing = this.o.pvcs.get(name);
      if (existing === undefined) {
        this.actions.push({
          _tag: "Create",
          kind: "PersistentVolumeClaim",
          object: buildPvc(this.sandbox, vct),
          onAlreadyExists: "requeue",
        });
        continue;
      }
      const ownership = ownershipOf(this.sandbox, existing.metadata);
      if (ownership === "foreign")
        throw new Blocked(`PersistentVolumeClaim ${name} is owned by another object`);
      if (ownership === "unowned") {
        if (!isAdoptable(this.sandbox, existing.metadata))
          throw new Blocked(`PersistentVolumeClaim ${name} exists and is not adoptable`);
        this.actions.push(this.adoptPatch("PersistentVolumeClaim", existing.metadata, {}));
      }
    }
  }

  adoptPatch(kind: ObjectKey["kind"], meta: Pod["metadata"], extra: Record<string, Json>): Action {
    const others = (meta.ownerReferences ?? []).filter((r) => r.controller !== true);
    return {
      _tag: "Patch",
      key: keyOf(kind, this.sandbox, meta.name ?? ""),
      // Optimistic: two controllers racing to adopt the same object cannot both win.
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      patch: {
        metadata: {
          ...extra,
          ownerReferences: [...others, controllerRef(this.sandbox)] as unknown as Json,
        },
      },
    };
  }

  reconcilePod(): void {
    const uid = this.sandbox.metadata.uid;
    const owned = this.o.pods.filter((p) => isControlledBy(p.metadata, uid));
    if (owned.length > 1) {
      this.multiplePods = true;
      const message = `Found ${owned.length} pods owned by this Sandbox: ${owned
        .map((p) => p.metadata.name)
        .sort()
        .join(", ")}`;
      this.actions.push({
        _tag: "Event",
        regarding: { ...sandboxKey(this.sandbox), uid: uid ?? "" },
        type: "Warning",
        reason: EVENT_MULTIPLE_PODS,
        message,
      });
      return;
    }
    const annotated = this.sandbox.metadata.annotations?.[ANNOTATION_POD_NAME];
    const podName = annotated ?? this.name;
    const byName = this.o.pods.find((p) => p.metadata.name === podName);
    const candidate = owned[0] ?? byName;
    if (candidate === undefined && annotated !== undefined && annotated !== this.name)
      this.sandboxAnnotations[ANNOTATION_POD_NAME] = null;

    if (this.sandbox.spec.operatingMode === "Suspended") {
      this.suspend(candidate);
      return;
    }
    if (candidate === undefined) {
      this.createPod();
      return;
    }
    const ownership = ownershipOf(this.sandbox, candidate.metadata);
    if (ownership === "foreign") {
      this.foreignPod = candidate;
      throw new Blocked(`Pod ${candidate.metadata.name} is controlled by another object`);
    }
    if (ownership === "unowned" && !isAdoptable(this.sandbox, candidate.metadata)) {
      this.foreignPod = candidate;
      throw new Blocked(`Pod ${candidate.metadata.name} exists and is not adoptable`);
    }
    if (this.recreatesFailedPod(candidate)) return;
    this.pod = candidate;
    this.syncPodMetadata(candidate, ownership === "unowned");
    if (this.sandbox.metadata.annotations?.[ANNOTATION_POD_NAME] !== candidate.metadata.name)
      this.sandboxAnnotations[ANNOTATION_POD_NAME] = candidate.metadata.name ?? "";
  }

  /**
   * A Failed pod whose template asks for restartPolicy Always can only have been evicted (the kubelet
   * restarts such containers itself), so the workload is not finished: delete it and let the next pass
   * create a fresh one that remounts the same PVCs (upstream #729 left these stuck forever).
   */
  recreatesFailedPod(pod: Pod): boolean {
    const policy = this.sandbox.spec.podTemplate.spec.restartPolicy ?? "Always";
    if (pod.status?.phase !== "Failed" || policy !== "Always" || controllerOf(pod.metadata) === undefined)
      return false;
    if (!isDeleting(pod.metadata)) this.actions.push(deleteOf("Pod", this.sandbox, pod.metadata));
    this.pod = undefined;
    this.recreating = true;
    return true;
  }

  createPod(): void {
    const pod = buildPod(this.sandbox);
    this.actions.push({ _tag: "Create", kind: "Pod", object: pod, onAlreadyExists: "requeue" });
    // The status describes the pod as the create returns it, Pending (as upstream, which reads the created
    // pod), so the pod's own ADDED event finds nothing to write.
    this.pod = { ...(pod as unknown as Pod), status: { phase: "Pending" } };
    if (this.sandbox.metadata.annotations?.[ANNOTATION_POD_NAME] !== this.name)
      this.sandboxAnnotations[ANNOTATION_POD_NAME] = this.name;
  }

  syncPodMetadata(pod: Pod, adopt: boolean): void {
    const desired = desiredPodMetadata(this.sandbox);
    const meta = pod.metadata;
    const previousLabels = splitKeys(meta.annotations?.[ANNOTATION_PROPAGATED_LABELS]);
    const previousAnnotations = splitKeys(meta.annotations?.[ANNOTATION_PROPAGATED_ANNOTATIONS]);
    const removedExtension = Object.entries(desired.extension).flatMap(([k, v]) =>
      v === undefined ? [k] : [],
    );
    const labels = mapPatch(meta.labels, desired.labels, [...previousLabels, ...removedExtension]);
    const annotations = mapPatch(meta.annotations, desired.annotations, previousAnnotations);
    const extra: Record<string, Json> = {};
    if (labels) extra.labels = labels;
    if (annotations) extra.annotations = annotations;
    if (adopt) this.actions.push(this.adoptPatch("Pod", meta, extra));
    else if (labels || annotations)
      this.actions.push({
        _tag: "Patch",
        key: keyOf("Pod", this.sandbox, meta.name ?? ""),
        patch: { metadata: extra },
      });
  }

  suspend(candidate: Pod | undefined): void {
    if (this.sandbox.metadata.annotations?.[ANNOTATION_POD_NAME] !== undefined)
      this.sandboxAnnotations[ANNOTATION_POD_NAME] = null;
    if (candidate === undefined) {
      this.setSuspended("True", REASON_POD_TERMINATED, "Pod is terminated");
      return;
    }
    if (ownershipOf(this.sandbox, candidate.metadata) !== "owned") {
      this.foreignPod = candidate;
      this.setSuspended(
        "False",
        REASON_POD_NOT_OWNED,
        `Pod ${candidate.metadata.name} is not owned by this Sandbox`,
      );
      return;
    }
    this.pod = candidate;
    if (!isDeleting(candidate.metadata)) this.actions.push(deleteOf("Pod", this.sandbox, candidate.metadata));
    this.setSuspended("False", REASON_POD_TERMINATING, "Pod is terminating");
  }

  setSuspended(status: "True" | "False", reason: string, message: string): void {
    this.conditions = setCondition(
      this.conditions,
      withGeneration(this.sandbox, { type: CONDITION_SUSPENDED, status, reason, message }),
      this.now,
    );
  }

  reconcileService(): void {
    const want = this.sandbox.spec.service;
    const svc = this.o.service;
    const ownership = svc === undefined ? undefined : ownershipOf(this.sandbox, svc.metadata);
    if (want === false) {
      if (svc && ownership === "owned") this.actions.push(deleteOf("Service", this.sandbox, svc.metadata));
      return;
    }
    if (svc === undefined) {
      if (want !== true) return;
      this.actions.push({
        _tag: "Create",
        kind: "Service",
        object: buildService(this.sandbox),
        onAlreadyExists: "requeue",
      });
      this.serviceExists = true;
      return;
    }
    if (ownership === "foreign") {
      if (want === true) throw new Blocked(`Service ${svc.metadata.name} is controlled by another object`);
      return;
    }
    if (ownership === "unowned") {
      if (want !== true) return;
      if (!isAdoptable(this.sandbox, svc.metadata))
        throw new Blocked(`Service ${svc.metadata.name} exists and is not adoptable`);
      this.actions.push(this.adoptPatch("Service", svc.metadata, {}));
    }
    this.serviceExists = true;
    const drift = this.serviceDrift(svc, want === true);
    if (drift)
      this.actions.push({ _tag: "Patch", key: keyOf("Service", this.sandbox, this.name), patch: drift });
  }

  serviceDrift(svc: Service, withPorts: boolean): JsonObject | undefined {
    const selector = serviceSelector(this.sandbox);
    const patch: Record<string, Json> = {};
    const labels = mapPatch(svc.metadata.labels, selector, []);
    if (labels) patch.metadata = { labels };
    const spec: Record<string, Json> = {};
    if (!jsonEqual(svc.spec?.selector ?? {}, selector)) spec.selector = selector;
    const ports = servicePorts(this.sandbox.spec.podTemplate.spec);
    const current = (svc.spec?.ports ?? []).map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.targetPort,
      protocol: p.protocol ?? "TCP",
    }));
    if (withPorts && !jsonEqual(current, ports)) spec.ports = ports as unknown as Json;
    if (Object.keys(spec).length > 0) patch.spec = spec;
    return Object.keys(patch).length > 0 ? patch : undefined;
  }

  computeConditions(): void {
    const sandbox = this.sandbox;
    const pod = this.pod;
    const exists = pod !== undefined || this.foreignPod !== undefined;
    if (exists) this.status.selector = `${LABEL_SANDBOX_NAME_HASH}=${nameHash(this.name)}`;
    else if (sandbox.status?.selector) this.status.selector = sandbox.status.selector;
    if (pod) {
      const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
      if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
      if (ips.length > 0) this.status.podIPs = ips;
      if (pod.spec.nodeName) this.status.nodeName = pod.spec.nodeName;
    }
    if (this.serviceExists) {
      this.status.service = this.name;
      this.status.serviceFQDN = serviceFQDN(
        this.name,
        sandbox.metadata.namespace ?? "",
        this.o.clusterDomain,
      );
    }
    const suspended = sandbox.spec.operatingMode === "Suspended";
    if (!suspended) this.setSuspended("False", REASON_NOT_SUSPENDED, "Sandbox is running");

    const phase = pod?.status?.phase;
    const terminal = phase === "Succeeded" || phase === "Failed";
    if (terminal) {
      const reason = phase === "Succeeded" ? REASON_POD_SUCCEEDED : REASON_POD_FAILED;
      this.set({ type: CONDITION_FINISHED, status: "True", reason, message: `Pod phase is ${phase}` });
    } else this.conditions = removeCondition(this.conditions, CONDITION_FINISHED);

    if (pod) {
      const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
      const status =
        scheduled?.status === "True" || scheduled?.status === "False" ? scheduled.status : "Unknown";
      const fallback = status === "True" ? REASON_POD_SCHEDULED : REASON_POD_SCHEDULING_UNKNOWN;
      this.set({
        type: CONDITION_POD_SCHEDULED,
        status,
        reason: scheduled?.reason || fallback,
        message: scheduled?.message ?? "",
      });
    } else this.conditions = removeCondition(this.conditions, CONDITION_POD_SCHEDULED);

    this.set({ type: CONDITION_READY, ...this.readiness(pod, suspended, terminal) });
  }

  set(c: Omit<ConditionInput, "observedGeneration">): void {
    this.conditions = setCondition(this.conditions, withGeneration(this.sandbox, c), this.now);
  }

  readiness(
    pod: Pod | undefined,
    suspended: boolean,
    terminal: boolean,
  ): { status: "True" | "False"; reason: string; message: string } {
    const notReady = (reason: string, message: string) => ({ status: "False" as const, reason, message });
    if (this.failure !== undefined) return notReady(REASON_RECONCILER_ERROR, `Error seen: ${this.failure}`);
    if (this.multiplePods)
      return notReady(REASON_MULTIPLE_PODS, "More than one pod is owned by this Sandbox");
    if (suspended)
      return notReady(REASON_SANDBOX_SUSPENDED, pod ? "Sandbox is suspending" : "Sandbox is suspended");
    if (this.recreating) return notReady(REASON_POD_FAILED, "Pod failed; recreating it");
    if (terminal)
      return notReady(
        pod?.status?.phase === "Succeeded" ? REASON_POD_SUCCEEDED : REASON_POD_FAILED,
        `Pod phase is ${pod?.status?.phase}`,
      );
    const serviceRequired =
      this.sandbox.spec.service === true || (this.sandbox.spec.service === undefined && this.serviceExists);
    const serviceNote = serviceRequired
      ? this.serviceExists
        ? "; Service Exists"
        : "; Service does not exist"
      : "";
    if (pod === undefined) return notReady(REASON_DEPENDENCIES_NOT_READY, `Pod does not exist${serviceNote}`);
    const phase = pod.status?.phase ?? "Pending";
    if (phase !== "Running")
      return notReady(REASON_DEPENDENCIES_NOT_READY, `Pod exists with phase: ${phase}${serviceNote}`);
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    if (!ready) return notReady(REASON_DEPENDENCIES_NOT_READY, `Pod is Running but not Ready${serviceNote}`);
    if ((this.status.podIPs ?? []).length === 0)
      return notReady(REASON_DEPENDENCIES_NOT_READY, `Pod is Ready but has no podIPs yet${serviceNote}`);
    if (serviceRequired && !this.serviceExists)
      return notReady(REASON_DEPENDENCIES_NOT_READY, `Pod is Ready${serviceNote}`);
    return { status: "True", reason: REASON_DEPENDENCIES_READY, message: `Pod is Ready${serviceNote}` };
  }
}
