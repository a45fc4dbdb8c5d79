// The controller process: informers for the four kinds and their children, one work queue per kind with
// bounded workers, change events mapped to the keys they concern, optional leader election, metrics and
// probes. Everything lives in the caller's scope and stops with it.
import { Duration, Effect, Ref, type Scope } from "effect";
import type { v1beta1 } from "../api";
import { CONDITION_READY } from "../api";
import {
  type KubeClient,
  type KubeObject,
  makeEventRecorder,
  makeWorkQueue,
  parseKey,
  runController as runWorkers,
  type WorkQueue,
  withLeaderElection,
} from "../kube";
import { applyPlan, type Written } from "./apply";
import { type Informers, informerView, makeInformers, waitForSync } from "./caches";
import { CLAIMS_FIRST_GRACE, ClaimsFirst, isBoundBookkeeping } from "./claims-first";
import type { Action, ChildKind, Plan } from "./common/actions";
import type { CacheView } from "./common/view";
import { type ControllerConfig, defaultControllerConfig } from "./config";
import { OwnEchoes, versionKey } from "./echoes";
import { WriteGate } from "./freshness";
import { type Address, metricsRoutes, probeRoutes, serveRoutes } from "./http";
import { keysFor } from "./mapping";
import { ControllerMetrics } from "./metrics";
import { CONTROLLER_KINDS, type ControllerKind, ControllerState, planStep } from "./step";
import { WaitingClaims } from "./waiting";

export interface Concurrency {
  readonly sandbox: number;
  readonly claim: number;
  readonly warmPool: number;
  readonly template: number;
}

/** Upstream HEAD's worker counts. */
export const defaultConcurrency: Concurrency = { sandbox: 100, claim: 50, warmPool: 1, template: 1 };

export interface ControllerOptions {
  readonly config?: ControllerConfig;
  readonly concurrency?: Concurrency;
  /** Run the SandboxTemplate/WarmPool/Claim controllers too (upstream's `--extensions`). Default true. */
  readonly extensions?: boolean;
  /** Watch one namespace only; default all. */
  readonly namespace?: string;
  /** Watch only Pods and Services carrying the sandbox tracking label (upstream's `--cache-label-selectors`). */
  readonly cacheLabelSelectors?: boolean;
  readonly leaderElection?: { readonly namespace: string; readonly identity: string; readonly name?: string };
  readonly metricsAddress?: Address;
  readonly probeAddress?: Address;
  /** Shared with the caller (tests and benches read it); a fresh one by default. */
  readonly metrics?: ControllerMetrics;
  /**
   * Informers the rest of the process already runs (local mode's pods and Services), used instead of watches
   * of the controller's own. Each must watch every object of its kind the controller would (all namespaces,
   * or `namespace`; no label selector, so not with `cacheLabelSelectors`) and index
   * `CONTROLLER_INDEXED_LABELS`.
   */
  readonly informers?: Partial<Informers>;
  /** Called once the caches are synced and the workers run. */
  readonly onReady?: () => void;
}

const concurrencyOf = (kind: ControllerKind, c: Concurrency): number =>
  kind === "Sandbox"
    ? c.sandbox
    : kind === "SandboxClaim"
      ? c.claim
      : kind === "SandboxWarmPool"
        ? c.warmPool
        : c.template;

const becameReady = (
  plan: Plan,
  previous: { status?: { conditions?: ReadonlyArray<{ type: string; status: string }> } } | undefined,
): boolean => {
  const write = plan.actions.find(
    (a): a is Extract<Action, { _tag: "PatchStatus" }> => a._tag === "PatchStatus",
  );
  const conditions = write?.status.conditions as ReadonlyArray<{ type: string; status: string }> | undefined;
  const now = conditions?.find((c) => c.type === CONDITION_READY)?.status === "True";
  const before = previous?.status?.conditions?.find((c) => c.type === CONDITION_READY)?.status === "True";
  return now && !before;
};

export const runController = (
  options: ControllerOptions = {},
): Effect.Effect<never, never, Scope.Scope | KubeClient> =>
  Effect.gen(function* () {
    const config = options.config ?? defaultControllerConfig;
    const concurrency = options.concurrency ?? defaultConcurrency;
    const kinds = options.extensions === false ? (["Sandbox"] as const) : CONTROLLER_KINDS;
    const metrics = options.metrics ?? new ControllerMetrics();
    const ready = yield* Ref.make(false);
    const informers = yield* makeInformers({
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      trackedOnly: options.cacheLabelSelectors === true,
      ...(options.informers !== undefined ? { shared: options.informers } : {}),
    });
    const waiting = new WaitingClaims();
    const view = informerView(informers, waiting);

    if (options.probeAddress)
      yield* serveRoutes(
        options.probeAddress,
        probeRoutes(() => Effect.runSync(Ref.get(ready))),
      );
    if (options.metricsAddress)
      yield* serveRoutes(
        options.metricsAddress,
        metricsRoutes(() => metrics.expose(informers.Sandbox.list() as unknown as v1beta1.Sandbox[])),
      );

    yield* waitForSync(informers);
    const work = runReconcilers(kinds, view, waiting, informers, config, concurrency, metrics).pipe(
      Effect.tap(() => Ref.set(ready, true)),
      Effect.tap(() => Effect.sync(() => options.onReady?.())),
      Effect.zipRight(Effect.never),
    );
    return yield* options.leaderElection === undefined
      ? Effect.scoped(work)
      : withLeaderElection(options.leaderElection, Effect.scoped(work));
  }).pipe(Effect.orDie) as Effect.Effect<never, never, Scope.Scope | KubeClient>;

/** Starts the queues, the event mapping and the workers in the current scope. */
const runReconcilers = (
  kinds: ReadonlyArray<ControllerKind>,
  view: CacheView,
  waiting: WaitingClaims,
  informers: Informers,
  config: ControllerConfig,
  concurrency: Concurrency,
  metrics: ControllerMetrics,
): Effect.Effect<void, never, Scope.Scope | KubeClient> =>
  Effect.gen(function* () {
    const state = new ControllerState();
    const gate = new WriteGate();
    const echoes = new OwnEchoes();
    const claimsFirst = new ClaimsFirst();
    const queues = new Map<ControllerKind, WorkQueue>();
    for (const kind of kinds) {
      const queue = yield* makeWorkQueue();
      yield* Effect.addFinalizer(() => queue.shutdown);
      queues.set(kind, queue);
    }
    /** Claims queued or being reconciled: what a burst's bookkeeping and Events make way for. */
    const claimsPending = (): boolean => {
      const claims = queues.get("SandboxClaim")?.stats();
      return claims !== undefined && claims.ready + claims.processing > 0;
    };
    let lastClaimPassEnded = 0;
    const graceMs = Duration.toMillis(CLAIMS_FIRST_GRACE);
    const recorder = yield* makeEventRecorder({
      component: "agent-sandbox-controller",
      // As the Sandbox passes put off: until claims have left the controller alone for a moment.
      holdWhile: () => claimsPending() || Date.now() - lastClaimPassEnded < graceMs,
    });

    // Every change in any cache enqueues the keys it concerns (a chunk of changes in one step per queue);
    // `handle` replays the cache first, so every existing object is reconciled once at start.
    for (const kind of Object.keys(informers) as ChildKind[]) {
      yield* informers[kind].handle((events) =>
        Effect.suspend(() => {
          const keys = new Map<ControllerKind, string[]>();
          /** `version`: the object state that brought the key back, as the echo filter sees it. */
          const add = (k: ControllerKind, key: string, version: string | undefined) => {
            if (!queues.has(k)) return;
            echoes.observed(`${k}/${key}`, version);
            const forKind = keys.get(k);
            if (forKind) forKind.push(key);
            else keys.set(k, [key]);
          };
          for (const event of events) {
            if (event._tag === "Synced") continue;
            // The metrics remember which Sandboxes were already counted Ready; forget each one that is gone.
            if (event._tag === "Deleted" && kind === "Sandbox")
              metrics.sandboxGone(event.object.metadata?.uid ?? "");
            if (kind === "SandboxClaim") {
              const claim = event.object as unknown as v1beta1.SandboxClaim;
              // A pool holding its refill for waiting claims goes on as soon as the last one is served.
              const emptied = waiting.observe(claim, event._tag === "Deleted");
              if (emptied !== undefined) add("SandboxWarmPool", emptied, undefined);
            }
            const meta = event.object.metadata;
            const version =
              event._tag === "Deleted" || meta?.resourceVersion === undefined
                ? undefined
                : versionKey(kind, meta.namespace ?? "", meta.name ?? "", meta.resourceVersion);
            const old = event._tag === "Updated" ? (event.old as KubeObject) : undefined;
            for (const k of keysFor(kind, event.object as KubeObject, view, waiting, old))
              add(k.kind, `${k.namespace}/${k.name}`, version);
          }
          return Effect.forEach(keys, ([k, names]) => queues.get(k)?.addAll(names) ?? Effect.void, {
            discard: true,
          });
        }),
      );
    }

    /** Claims first (claims-first.ts): how long to put off this Sandbox pass, if at all. */
    const putOff = (key: string, namespace: string, name: string, plan: Plan, now: number) => {
      const sandbox = view.get("Sandbox", namespace, name);
      const wait =
        claimsPending() && sandbox !== undefined && isBoundBookkeeping(sandbox, plan)
          ? claimsFirst.defer(key, now)
          : undefined;
      if (wait === undefined) claimsFirst.ran(key);
      return wait;
    };
    /**
     * After a claim pass: with no claim left to reconcile, the Sandbox passes put off come back a moment later
     * (a burst's claims arrive in waves; one that follows in that moment puts them off again).
     */
    const claimPassEnded = Effect.suspend(() => {
      lastClaimPassEnded = Date.now();
      const claims = queues.get("SandboxClaim")?.stats();
      const sandboxes = queues.get("Sandbox");
      // The claim pass that ends is still counted as processing.
      if (sandboxes === undefined || claims === undefined || claims.ready > 0 || claims.processing > 1)
        return Effect.void;
      return Effect.forEach(claimsFirst.release(), (key) => sandboxes.addAfter(key, CLAIMS_FIRST_GRACE), {
        discard: true,
      });
    });

    const reconcile = (kind: ControllerKind) => (key: string) =>
      Effect.gen(function* () {
        const { namespace = "", name } = parseKey(key);
        const now = new Date();
        const gateKey = `${kind}/${key}`;
        if (echoes.onlyEchoes(gateKey)) {
          metrics.ownEchoesSkipped++;
          return undefined;
        }
        const stale = gate.wait(gateKey, view, now.getTime());
        if (stale > 0) return { requeueAfter: Duration.millis(stale), deferred: true };
        echoes.planning(gateKey);
        const step = planStep(kind, namespace, name, view, state, config, now);
        if (step === undefined) {
          echoes.forget(gateKey);
          if (kind === "Sandbox") claimsFirst.ran(key); // gone while put off
          return undefined;
        }
        if (kind === "Sandbox") {
          const wait = putOff(key, namespace, name, step.plan, now.getTime());
          if (wait !== undefined) {
            echoes.forget(gateKey);
            return { requeueAfter: Duration.millis(wait), deferred: true };
          }
        }
        const written: Written = { created: [], deleted: [], versions: [] };
        let settled = false;
        const result = yield* applyPlan(step.plan, recorder, config.warmPoolMaxBatchSize, written).pipe(
          Effect.tap((r) => Effect.sync(() => (settled = r.requeueAfterMs === undefined))),
          Effect.ensuring(
            Effect.sync(() => {
              step.done(written);
              gate.record(gateKey, written.versions ?? [], Date.now());
              echoes.finished(
                gateKey,
                { versions: written.versions ?? [], deleted: written.deleted },
                settled,
              );
            }),
          ),
        );
        recordMetrics(kind, namespace, name, step.plan, view, metrics, now.getTime());
        return result.requeueAfterMs === undefined
          ? undefined
          : { requeueAfter: Duration.millis(result.requeueAfterMs) };
      });

    yield* Effect.forEach(
      kinds,
      (kind) =>
        runWorkers(
          queues.get(kind)!,
          kind === "SandboxClaim"
            ? (key) => reconcile(kind)(key).pipe(Effect.ensuring(claimPassEnded))
            : reconcile(kind),
          {
            concurrency: concurrencyOf(kind, concurrency),
            name: kind,
          },
        ).pipe(Effect.forkScoped),
      { discard: true },
    );
  });

const recordMetrics = (
  kind: ControllerKind,
  namespace: string,
  name: string,
  plan: Plan,
  view: CacheView,
  metrics: ControllerMetrics,
  now: number,
): void => {
  if (kind === "SandboxClaim") {
    const claim = view.get("SandboxClaim", namespace, name);
    if (claim && becameReady(plan, claim)) {
      const sandboxName = (
        plan.actions.find((a) => a._tag === "PatchStatus") as
          | { status: { sandbox?: { name?: string } } }
          | undefined
      )?.status.sandbox?.name;
      metrics.claimReady(claim, sandboxName ? view.get("Sandbox", namespace, sandboxName) : undefined, now);
    }
  }
  if (kind === "Sandbox") {
    const sandbox = view.get("Sandbox", namespace, name);
    if (sandbox && becameReady(plan, sandbox)) metrics.sandboxSeen(sandbox, true, now);
  }
};
