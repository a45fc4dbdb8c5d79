// What the claim planner needs to know of a warm-pool member to rank it for adoption, worked out once per
// member object. Every adopting pass ranks the whole pool (a burst of N claims against a pool of N ranks about
// N members N times); informer objects are replaced on every change and never mutated, so facts keyed by the
// object stay true for as long as anyone holds it.
import type { v1beta1 } from "../../api";
import {
  CONDITION_READY,
  LABEL_SANDBOX_TEMPLATE_REF_HASH,
  LABEL_WARM_POOL_SANDBOX,
  SANDBOX_WARM_POOL,
} from "../../api";
import { isConditionTrue } from "../common/conditions";
import { controllerOf, groupOf, isDeleting } from "../common/meta";

export interface MemberFacts {
  readonly name: string;
  readonly namespace: string | undefined;
  /** Its `warm-pool-sandbox` label (the pool name's hash). */
  readonly poolHash: string | undefined;
  /** The warm pool that controls it, when it is not being deleted and carries a template-ref hash. */
  readonly adoptableFrom: string | undefined;
  readonly ready: boolean;
  /** Has a pod IP: adopting it hands the client something routable. */
  readonly routable: boolean;
  readonly node: string | undefined;
  /** Creation time in ms (0 when absent). */
  readonly created: number;
}

const known = new WeakMap<v1beta1.Sandbox, MemberFacts>();

/** The name of the warm pool that controls `s` (by group and kind, whatever the version). */
export const controllingPool = (s: v1beta1.Sandbox): string | undefined => {
  const owner = controllerOf(s.metadata);
  return owner !== undefined &&
    owner.kind === SANDBOX_WARM_POOL.kind &&
    groupOf(owner.apiVersion) === SANDBOX_WARM_POOL.group
    ? owner.name
    : undefined;
};

export const memberFacts = (s: v1beta1.Sandbox): MemberFacts => {
  const cached = known.get(s);
  if (cached !== undefined) return cached;
  const labels = s.metadata.labels;
  const facts: MemberFacts = {
    name: s.metadata.name ?? "",
    namespace: s.metadata.namespace,
    poolHash: labels?.[LABEL_WARM_POOL_SANDBOX],
    adoptableFrom:
      isDeleting(s.metadata) || labels?.[LABEL_SANDBOX_TEMPLATE_REF_HASH] === undefined
        ? undefined
        : controllingPool(s),
    ready: isConditionTrue(s.status?.conditions, CONDITION_READY),
    routable: (s.status?.podIPs ?? []).length > 0,
    node: s.status?.nodeName || undefined,
    created: Date.parse(s.metadata.creationTimestamp ?? "") || 0,
  };
  known.set(s, facts);
  return facts;
};
