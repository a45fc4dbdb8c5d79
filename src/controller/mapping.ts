// Which reconcile keys a changed object concerns (controller-runtime's Owns/Watches mappings).
import type { v1beta1 } from "../api";
import {
  CONDITION_FINISHED,
  CONDITION_READY,
  LABEL_WARM_POOL_SANDBOX,
  nameHash,
  SANDBOX,
  SANDBOX_CLAIM,
  SANDBOX_TEMPLATE,
  SANDBOX_WARM_POOL,
  shadowPoolName,
} from "../api";
import type { KubeObject } from "../kube";
import type { ChildKind } from "./common/actions";
import { jsonEqual } from "./common/canonical";
import { findCondition } from "./common/conditions";
import { memberFacts } from "./common/member-facts";
import { controllerNamed } from "./common/meta";
import type { CacheView } from "./common/view";
import type { ControllerKind } from "./step";
import type { WaitingClaims } from "./waiting";

export interface QueueKey {
  readonly kind: ControllerKind;
  readonly namespace: string;
  readonly name: string;
}

const ownedBy = (o: KubeObject, descriptor: { group: string; kind: string }): string | undefined =>
  controllerNamed((o.metadata ?? {}) as v1beta1.Sandbox["metadata"], descriptor);

/**
 * Whether a pool member's change can matter to the pool's waiting claims. Not while it is a candidate still
 * without a pod IP (created, starting): no claim adopts it yet, and a claim waiting for a pod IP already counts
 * it. Waking every waiting claim on each of a refill's early writes made a burst's mapping cost claims x
 * members; those claims come back on their own pod-IP retry, and the member's event once it has an IP.
 */
const servesWaitingClaims = (member: KubeObject, pool: string): boolean => {
  const f = memberFacts(member as v1beta1.Sandbox);
  return f.routable || f.adoptableFrom !== pool;
};

/** What a claim takes from a Sandbox's condition: everything but the generation it was observed at. */
const mirrored = (s: v1beta1.Sandbox, type: string) => {
  const c = findCondition(s.status?.conditions, type);
  return c && [c.status, c.reason, c.message, c.lastTransitionTime];
};

/**
 * Whether a change to its Sandbox can change what a claim plans. The claim reads the Sandbox's metadata and
 * spec, and of its status only the Ready and Finished conditions (less their observed generation) and the
 * pod IPs. The Sandbox reconcile's status update after an adoption moves only the observed generation: it
 * needs no claim pass. Spec changes move the generation; metadata is compared field by field.
 */
export const concernsOwningClaim = (old: v1beta1.Sandbox, s: v1beta1.Sandbox): boolean => {
  const a = old.metadata;
  const b = s.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    !jsonEqual(a.labels ?? {}, b.labels ?? {}) ||
    !jsonEqual(a.annotations ?? {}, b.annotations ?? {}) ||
    !jsonEqual(a.ownerReferences ?? [], b.ownerReferences ?? []) ||
    !jsonEqual(a.finalizers ?? [], b.finalizers ?? []) ||
    !jsonEqual(old.status?.podIPs ?? [], s.status?.podIPs ?? []) ||
    !jsonEqual(mirrored(old, CONDITION_READY), mirrored(s, CONDITION_READY)) ||
    !jsonEqual(mirrored(old, CONDITION_FINISHED), mirrored(s, CONDITION_FINISHED))
  );
};

/**
 * Whether a change to a pool can change what its waiting claims plan. They read its spec and whether it
 * exists (or is going), never its status; and a pool's status moves with every member taken and refilled, so
 * in a burst each of those writes woke every claim still waiting, and every adopting claim then made one more,
 * empty, pass (its own writes' echoes are skipped, a pool version among them is not).
 */
export const concernsWaitingClaims = (old: v1beta1.SandboxWarmPool, pool: v1beta1.SandboxWarmPool): boolean =>
  old.metadata.generation !== pool.metadata.generation ||
  old.metadata.deletionTimestamp !== pool.metadata.deletionTimestamp;

/**
 * The keys a change to `o` concerns (`old`: what it replaced, for an update). `waiting` must already have
 * seen every claim event before this one's (a claim it has not seen yet is enqueued by its own event).
 */
export const keysFor = (
  kind: ChildKind,
  o: KubeObject,
  view: CacheView,
  waiting: WaitingClaims,
  old?: KubeObject,
): QueueKey[] => {
  const namespace = o.metadata?.namespace ?? "";
  const name = o.metadata?.name ?? "";
  const key = (k: ControllerKind, n: string | undefined): QueueKey[] =>
    n ? [{ kind: k, namespace, name: n }] : [];
  /** Claims of a pool that have no Sandbox yet: a pool change may be what they wait for. */
  const waitingClaims = (pool: string): QueueKey[] =>
    waiting.in(namespace, pool).map((n) => ({ kind: "SandboxClaim", namespace, name: n }));
  switch (kind) {
    case "SandboxClaim":
      return key("SandboxClaim", name);
    case "Sandbox": {
      const claimName = ownedBy(o, SANDBOX_CLAIM);
      const claimConcerned =
        old === undefined || concernsOwningClaim(old as v1beta1.Sandbox, o as v1beta1.Sandbox);
      const out = [...key("Sandbox", name), ...key("SandboxClaim", claimConcerned ? claimName : undefined)];
      // An adopted Sandbox names its claim, no longer its pool: wake the claim's pool so it refills.
      const claim = claimName ? view.get("SandboxClaim", namespace, claimName) : undefined;
      if (claim) out.push(...key("SandboxWarmPool", claim.spec.warmPoolRef.name));
      const pool = ownedBy(o, SANDBOX_WARM_POOL);
      if (pool)
        out.push(
          ...key("SandboxWarmPool", pool),
          ...(servesWaitingClaims(o, pool) ? waitingClaims(pool) : []),
        );
      else if (o.metadata?.labels?.[LABEL_WARM_POOL_SANDBOX]) {
        // An orphan member (pool deleted and recreated, say): find its pool by the label's hash.
        const hash = o.metadata.labels[LABEL_WARM_POOL_SANDBOX];
        for (const p of view.list("SandboxWarmPool", namespace))
          if (nameHash(p.metadata.name ?? "") === hash) out.push(...key("SandboxWarmPool", p.metadata.name));
      }
      return out;
    }
    case "SandboxWarmPool": {
      const claimsConcerned =
        old === undefined ||
        concernsWaitingClaims(old as v1beta1.SandboxWarmPool, o as v1beta1.SandboxWarmPool);
      return [...key("SandboxWarmPool", name), ...(claimsConcerned ? waitingClaims(name) : [])];
    }
    case "SandboxTemplate": {
      const pools = view
        .list("SandboxWarmPool", namespace)
        .filter((p) => p.spec.sandboxTemplateRef.name === name);
      return [
        ...key("SandboxTemplate", name),
        ...pools.flatMap((p) => [
          ...key("SandboxWarmPool", p.metadata.name),
          ...waitingClaims(p.metadata.name ?? ""),
        ]),
        // v1alpha1 claims that name this template wait on its shadow pool name.
        ...waitingClaims(shadowPoolName(name ?? "")),
      ];
    }
    case "Pod":
    case "Service":
    case "PersistentVolumeClaim": {
      const owner = ownedBy(o, SANDBOX);
      // An unowned pod named like a Sandbox may be adoptable by it.
      return key("Sandbox", owner ?? (view.get("Sandbox", namespace, name) ? name : undefined));
    }
    case "NetworkPolicy":
      return key("SandboxTemplate", ownedBy(o, SANDBOX_TEMPLATE));
  }
};
