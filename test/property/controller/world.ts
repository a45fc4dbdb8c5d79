// The model-test world: one namespace with a template, a warm pool, a hand-written Sandbox with a volume,
// and claims coming and going; the four reconcilers run through `planStep` against lagging caches.
import { type ControllerConfig, defaultControllerConfig } from "../../../src/controller/config";
import {
  CONTROLLER_KINDS,
  type ControllerKind,
  ControllerState,
  planStep,
} from "../../../src/controller/step";
import { SimCaches, SimCluster } from "./sim";

export const NS = "default";
const T0 = Date.parse("2026-01-01T00:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: simulated objects are arbitrary JSON, read field by field
type Obj = Record<string, any>;

const defaultConfig: ControllerConfig = { ...defaultControllerConfig, warmPoolMaxBatchSize: 4 };

export interface ClaimSpec {
  readonly policy: "Delete" | "DeleteForeground" | "Retain";
  readonly shutdownInS?: number | undefined;
  readonly ttlS?: number | undefined;
  readonly env: boolean;
  readonly badMetadata: boolean;
}

export type Step =
  | { readonly t: "createClaim"; readonly spec: ClaimSpec }
  | { readonly t: "deleteClaim"; readonly i: number }
  | { readonly t: "resizePool"; readonly replicas: number }
  | { readonly t: "changeTemplate"; readonly what: "image" | "metadata" }
  | { readonly t: "strategy"; readonly recreate: boolean }
  | { readonly t: "pod"; readonly i: number; readonly to: "ready" | "failed" | "succeeded" | "deleted" }
  | { readonly t: "suspendSolo"; readonly suspended: boolean }
  | { readonly t: "reconcile"; readonly kind: number; readonly i: number }
  /** Every claim reconciled from the same (possibly stale) caches: what 50 concurrent workers see. */
  | { readonly t: "claimBurst" }
  /** The kubelet starts every pending pod. */
  | { readonly t: "podsStart" }
  | { readonly t: "cache"; readonly kind: number; readonly fraction: number }
  | { readonly t: "restart" }
  | { readonly t: "tick"; readonly ms: number }
  | { readonly t: "gc" }
  | { readonly t: "faults"; readonly conflict: number; readonly lost: number };

const podReady = (ip: string) => ({
  phase: "Running",
  podIP: ip,
  podIPs: [{ ip }],
  conditions: [
    { type: "PodScheduled", status: "True" },
    { type: "Ready", status: "True" },
  ],
});

export class World {
  readonly cluster = new SimCluster();
  caches = new SimCaches(this.cluster);
  state = new ControllerState();
  claims = 0;
  ips = 0;
  /** Failures planned in the last quiescent round (must be none). */
  failures: string[] = [];

  constructor(
    seed: number,
    readonly config: ControllerConfig = defaultConfig,
  ) {
    let x = seed || 1;
    // Deterministic faults per run (xorshift).
    this.cluster.rand = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return ((x >>> 0) % 10_000) / 10_000;
    };
    this.cluster.now = T0;
    this.cluster.create("SandboxTemplate", {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      metadata: { name: "tpl", namespace: NS },
      spec: {
        podTemplate: {
          metadata: { labels: { team: "a" } },
          spec: { containers: [{ name: "main", image: "img:1", ports: [{ containerPort: 8888 }] }] },
        },
        service: true,
        envVarsInjectionPolicy: "Overrides",
      },
    });
    this.cluster.create("SandboxWarmPool", {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      metadata: { name: "pool", namespace: NS },
      spec: { replicas: 2, sandboxTemplateRef: { name: "tpl" } },
    });
    this.cluster.create("Sandbox", {
      apiVersion: "agents.x-k8s.io/v1beta1",
      metadata: { name: "solo", namespace: NS },
      spec: {
        podTemplate: { spec: { containers: [{ name: "main", image: "img:1" }] } },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }],
      },
    });
    this.caches.sync();
  }

  get now(): Date {
    return new Date(this.cluster.now);
  }

  run(step: Step): void {
    const c = this.cluster;
    switch (step.t) {
      case "createClaim": {
        const s = step.spec;
        const lifecycle: Obj = { shutdownPolicy: s.policy };
        if (s.shutdownInS !== undefined)
          lifecycle.shutdownTime = new Date(c.now + s.shutdownInS * 1000).toISOString();
        if (s.ttlS !== undefined) lifecycle.ttlSecondsAfterFinished = s.ttlS;
        c.create("SandboxClaim", {
          apiVersion: "extensions.agents.x-k8s.io/v1beta1",
          metadata: { name: `claim-${++this.claims}`, namespace: NS },
          spec: {
            warmPoolRef: { name: "pool" },
            lifecycle,
            ...(s.env ? { env: [{ name: "TOKEN", value: "x" }] } : {}),
            ...(s.badMetadata ? { additionalPodMetadata: { labels: { "evil.example.com/x": "y" } } } : {}),
          },
        });
        return;
      }
      case "deleteClaim": {
        const claims = c.all("SandboxClaim");
        const claim = claims[step.i % Math.max(1, claims.length)];
        if (claim) c.delete("SandboxClaim", NS, claim.metadata.name);
        return;
      }
      case "resizePool":
        c.update("SandboxWarmPool", NS, "pool", (o) => ({
          ...o,
          spec: { ...o.spec, replicas: step.replicas },
        }));
        return;
      case "strategy":
        c.update("SandboxWarmPool", NS, "pool", (o) => ({
          ...o,
          spec: { ...o.spec, updateStrategy: { type: step.recreate ? "Recreate" : "OnReplenish" } },
        }));
        return;
      case "changeTemplate":
        c.update("SandboxTemplate", NS, "tpl", (o) => {
          const pt = o.spec.podTemplate;
          if (step.what === "metadata")
            return {
              ...o,
              spec: { ...o.spec, podTemplate: { ...pt, metadata: { labels: { team: `t${c.rv}` } } } },
            };
          const main = { ...pt.spec.containers[0], image: `img:${c.rv}` };
          return {
            ...o,
            spec: { ...o.spec, podTemplate: { ...pt, spec: { ...pt.spec, containers: [main] } } },
          };
        });
        return;
      case "pod": {
        const pods = c.all("Pod");
        const pod = pods[step.i % Math.max(1, pods.length)];
        if (!pod) return;
        if (step.to === "deleted") c.delete("Pod", NS, pod.metadata.name);
        else this.setPod(pod, step.to);
        return;
      }
      case "suspendSolo":
        c.update("Sandbox", NS, "solo", (o) => ({
          ...o,
          spec: { ...o.spec, operatingMode: step.suspended ? "Suspended" : "Running" },
        }));
        return;
      case "reconcile": {
        const kind = CONTROLLER_KINDS[step.kind % CONTROLLER_KINDS.length]!;
        const objects = this.caches.list(kind, NS);
        const o = objects[step.i % Math.max(1, objects.length)];
        if (o) this.reconcile(kind, o.metadata.name ?? "");
        return;
      }
      case "claimBurst":
        for (const claim of this.caches.list("SandboxClaim", NS))
          this.reconcile("SandboxClaim", claim.metadata.name ?? "");
        return;
      case "podsStart":
        for (const pod of c.all("Pod")) if (!pod.status?.phase) this.setPod(pod, "ready");
        return;
      case "cache":
        this.caches.advance(CACHE_KINDS[step.kind % CACHE_KINDS.length]!, step.fraction);
        return;
      case "restart":
        // A new process: caches are listed afresh and in-memory state (expectations, reservations) is gone.
        this.caches = new SimCaches(c);
        this.caches.sync();
        this.state = new ControllerState();
        return;
      case "tick":
        c.now += step.ms;
        return;
      case "gc":
        c.gc();
        return;
      case "faults":
        c.faults = { conflict: step.conflict, lostResponse: step.lost };
        return;
    }
  }

  setPod(pod: Obj, to: "ready" | "failed" | "succeeded"): void {
    const status =
      to === "ready"
        ? podReady(`10.0.0.${++this.ips}`)
        : {
            phase: to === "failed" ? "Failed" : "Succeeded",
            conditions: [
              { type: "PodScheduled", status: "True" },
              { type: "Ready", status: "False" },
            ],
          };
    this.cluster.update("Pod", NS, pod.metadata.name, (o) => ({
      ...o,
      spec: { ...o.spec, nodeName: "node-a" },
    }));
    this.cluster.update("Pod", NS, pod.metadata.name, (o) => ({ ...o, status }), undefined, true);
  }

  reconcile(
    kind: ControllerKind,
    name: string,
  ): { wrote: boolean; requeueAfterMs?: number; failure?: string } {
    const step = planStep(kind, NS, name, this.caches, this.state, this.config, this.now);
    if (step === undefined) return { wrote: false };
    const result = this.cluster.apply(step.plan.actions);
    step.done(result);
    const wrote = step.plan.actions.some((a) => a._tag !== "Event");
    return {
      wrote,
      ...(step.plan.requeueAfterMs !== undefined ? { requeueAfterMs: step.plan.requeueAfterMs } : {}),
      ...(step.plan.failure !== undefined
        ? { failure: step.plan.failure }
        : result.error
          ? { failure: result.error }
          : {}),
    };
  }

  /** No faults, caches in sync, pods start: run every reconciler until nothing changes (time moves on for requeues). */
  quiesce(): boolean {
    const c = this.cluster;
    c.faults = { conflict: 0, lostResponse: 0 };
    for (let round = 0; round < 120; round++) {
      c.gc();
      this.caches.sync();
      for (const pod of c.all("Pod"))
        if (!pod.status?.phase || pod.status.phase === "Pending") this.setPod(pod, "ready");
      let wrote = false;
      let nextRequeue = Number.POSITIVE_INFINITY;
      this.failures = [];
      for (const kind of CONTROLLER_KINDS)
        for (const o of c.all(kind)) {
          this.caches.sync();
          const r = this.reconcile(kind, o.metadata.name);
          wrote ||= r.wrote;
          if (r.failure) this.failures.push(`${kind}/${o.metadata.name}: ${r.failure}`);
          if (r.requeueAfterMs !== undefined) nextRequeue = Math.min(nextRequeue, r.requeueAfterMs);
        }
      if (!wrote && this.failures.length === 0) {
        if (!Number.isFinite(nextRequeue) || nextRequeue > 10 * 60_000) return true;
        c.now += Math.max(1, nextRequeue);
      }
    }
    return false;
  }
}

const CACHE_KINDS = [
  "Sandbox",
  "SandboxClaim",
  "SandboxWarmPool",
  "SandboxTemplate",
  "Pod",
  "Service",
  "PersistentVolumeClaim",
] as const;
