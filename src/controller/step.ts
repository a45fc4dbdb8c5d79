// One reconcile of one key, minus the I/O: read the view, plan, and afterwards record what the writes mean
// for the controller's in-memory state. The controller and the model tests both drive reconciles through
// this, so the tests exercise the same observe/plan/bookkeeping code the controller runs.
import {
  ANNOTATION_POD_NAME,
  ANNOTATION_SANDBOX_NAME,
  LABEL_SANDBOX_NAME,
  LABEL_SANDBOX_NAME_HASH,
  LABEL_WARM_POOL_SANDBOX,
  nameHash,
  networkPolicyName,
  pvcName,
  templateOfShadowPool,
} from "../api";
import { type ClaimPlan, planClaim } from "./claim/plan";
import { Reservations } from "./claim/reservations";
import type { Plan } from "./common/actions";
import type { CacheView } from "./common/view";
import type { ControllerConfig } from "./config";
import { activeMembers, claimsWaitForMembers, RefillShaper, shapeRefill } from "./refill";
import { planSandbox } from "./sandbox/plan";
import { planTemplate } from "./template/plan";
import { Expectations } from "./warmpool/expectations";
import { planWarmPool } from "./warmpool/plan";

export type ControllerKind = "Sandbox" | "SandboxTemplate" | "SandboxWarmPool" | "SandboxClaim";
export const CONTROLLER_KINDS: ReadonlyArray<ControllerKind> = [
  "Sandbox",
  "SandboxTemplate",
  "SandboxWarmPool",
  "SandboxClaim",
];

/** How long a picked warm Sandbox stays reserved if the cache never shows it adopted. */
const RESERVATION_MS = 2000;

/** What a controller remembers between reconciles. Losing it (a restart) must never break safety. */
export class ControllerState {
  readonly expectations = new Expectations();
  readonly notProgressing = new Set<string>();
  /** Warm Sandboxes claims are adopting right now (see claim/reservations.ts). */
  readonly reserved = new Reservations(RESERVATION_MS);
  /** Replenish holds and refill token buckets per pool. */
  readonly refill = new RefillShaper();
}

export interface WriteOutcome {
  /** Names the API server gave to objects created from `generateName`. */
  readonly created: ReadonlyArray<string>;
  /** UIDs of objects this pass deleted. */
  readonly deleted: ReadonlyArray<string>;
}

export interface Step {
  readonly plan: Plan;
  /** Record the writes' effect on in-memory state; call exactly once, after applying (even on failure). */
  readonly done: (outcome: WriteOutcome) => void;
}

const noop = () => {};

export const planStep = (
  kind: ControllerKind,
  namespace: string,
  name: string,
  view: CacheView,
  state: ControllerState,
  config: ControllerConfig,
  now: Date,
): Step | undefined => {
  switch (kind) {
    case "Sandbox": {
      const sandbox = view.get("Sandbox", namespace, name);
      if (sandbox === undefined) return undefined;
      const hashed = view.list("Pod", namespace, { key: LABEL_SANDBOX_NAME_HASH, value: nameHash(name) });
      const podName = sandbox.metadata.annotations?.[ANNOTATION_POD_NAME] ?? name;
      const named = view.get("Pod", namespace, podName);
      const pods = named && !hashed.includes(named) ? [...hashed, named] : hashed;
      const pvcs = new Map(
        (sandbox.spec.volumeClaimTemplates ?? []).flatMap((vct) => {
          const n = pvcName(vct.metadata?.name ?? "", name);
          const pvc = view.get("PersistentVolumeClaim", namespace, n);
          return pvc ? [[n, pvc] as const] : [];
        }),
      );
      const plan = planSandbox({
        sandbox,
        pods,
        service: view.get("Service", namespace, name),
        pvcs,
        now,
        clusterDomain: config.clusterDomain,
      });
      return { plan, done: noop };
    }
    case "SandboxTemplate": {
      const template = view.get("SandboxTemplate", namespace, name);
      if (template === undefined) return undefined;
      const plan = planTemplate({
        template,
        networkPolicy: view.get("NetworkPolicy", namespace, networkPolicyName(name)),
        routerNamespace: config.routerNamespace,
      });
      return { plan, done: noop };
    }
    case "SandboxWarmPool": {
      const key = `${namespace}/${name}`;
      const pool = view.get("SandboxWarmPool", namespace, name);
      if (pool === undefined) {
        state.refill.forget(key);
        return undefined;
      }
      const members = view.list("Sandbox", namespace, {
        key: LABEL_WARM_POOL_SANDBOX,
        value: nameHash(name),
      });
      const satisfied = state.expectations.settle(key, members, now.getTime());
      const pendingDeletes = state.expectations.pendingDeletes(key);
      const planned = planWarmPool({
        pool,
        template: view.get("SandboxTemplate", namespace, pool.spec.sandboxTemplateRef.name),
        members,
        expectationsSatisfied: satisfied,
        pendingDeletes,
        wasNotProgressing: state.notProgressing.has(key),
        now,
        config: {
          readinessGraceMs: config.warmPoolReadinessGraceMs,
          unschedulableRecheckMs: config.warmPoolUnschedulableRecheckMs,
          enableEviction: config.enableWarmPoolEviction,
          dnsNameservers: config.dnsNameservers,
        },
      });
      const active = activeMembers(pool, members, pendingDeletes);
      const plan = shapeRefill(
        planned,
        state.refill,
        {
          replenishDelayMs: config.warmPoolReplenishDelayMs,
          maxRefillRate: config.warmPoolMaxRefillRate,
          claimsFirstMaxMs: config.warmPoolClaimsFirstMaxMs,
        },
        pool,
        active,
        now.getTime(),
        claimsWaitForMembers(members, view.hasWaitingClaims(namespace, name)),
      );
      if (plan.notProgressing) state.notProgressing.add(key);
      else state.notProgressing.delete(key);
      return {
        plan,
        done: (outcome) => {
          state.expectations.record(key, outcome.created, outcome.deleted, now.getTime());
          state.refill.created(key, outcome.created.length);
        },
      };
    }
    case "SandboxClaim": {
      const claim = view.get("SandboxClaim", namespace, name);
      if (claim === undefined) return undefined;
      const pool = view.get("SandboxWarmPool", namespace, claim.spec.warmPoolRef.name);
      const templateName =
        pool?.spec.sandboxTemplateRef.name ?? templateOfShadowPool(claim.spec.warmPoolRef.name);
      const template =
        templateName === undefined ? undefined : view.get("SandboxTemplate", namespace, templateName);
      const names = [
        claim.status?.sandbox?.name,
        claim.metadata.annotations?.[ANNOTATION_SANDBOX_NAME],
        claim.metadata.labels?.[LABEL_SANDBOX_NAME],
        name,
      ];
      const sandboxes = new Map(
        names.flatMap((n) => {
          const s = n ? view.get("Sandbox", namespace, n) : undefined;
          return s && n ? [[n, s] as const] : [];
        }),
      );
      const plan: ClaimPlan = planClaim({
        claim,
        pool,
        template,
        sandboxes,
        candidates: view.list("Sandbox", namespace, {
          key: LABEL_WARM_POOL_SANDBOX,
          value: nameHash(claim.spec.warmPoolRef.name),
        }),
        reserved: state.reserved.in(namespace, now.getTime()),
        now,
        config: { allowedLabelDomains: config.allowedLabelDomains, dnsNameservers: config.dnsNameservers },
      });
      if (plan.adopting !== undefined) state.reserved.reserve(namespace, plan.adopting, now.getTime());
      return { plan, done: noop };
    }
  }
};
