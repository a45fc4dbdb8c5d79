// Which reconcile keys a changed object concerns (controller-runtime's Owns/Watches mappings).
import type { v1beta1 } from "../api";
import {
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
import { memberFacts } from "./common/member-facts";
import { controllerOf, groupOf } from "./common/meta";
import type { CacheView } from "./common/view";
import type { ControllerKind } from "./step";
import type { WaitingClaims } from "./waiting";

export interface QueueKey {
  readonly kind: ControllerKind;
  readonly namespace: string;
  readonly name: string;
}

const ownedBy = (o: KubeObject, descriptor: { group: string; kind: string }): string | undefined => {
  const owner = controllerOf((o.metadata ?? {}) as v1beta1.Sandbox["metadata"]);
  return owner && owner.kind === descriptor.kind && groupOf(owner.apiVersion) === descriptor.group
    ? owner.name
    : undefined;
};

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

/**
 * The keys a change to `o` concerns. `waiting` must already have seen every claim event before this one's
 * (a claim it has not seen yet is enqueued by its own event).
 */
export const keysFor = (
  kind: ChildKind,
  o: KubeObject,
  view: CacheView,
  waiting: WaitingClaims,
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
      const out = [...key("Sandbox", name), ...key("SandboxClaim", claimName)];
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
    case "SandboxWarmPool":
      return [...key("SandboxWarmPool", name), ...waitingClaims(name)];
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
