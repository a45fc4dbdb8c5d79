// What the planners need to know of a warm-pool member, worked out once per member object. Every pool pass
// goes over all its members, and claims rank them each time one of them changes (claim/candidates.ts);
// informer objects are replaced on every change and never mutated, so facts keyed by the object stay true for
// as long as anyone holds it.
import type { v1beta1 } from "../../api";
import {
  CONDITION_FINISHED,
  CONDITION_READY,
  LABEL_LAUNCH_TYPE,
  LABEL_SANDBOX_TEMPLATE_REF_HASH,
  LABEL_WARM_POOL_SANDBOX,
  LAUNCH_TYPE_WARM,
  SANDBOX_WARM_POOL,
} from "../../api";
import { isConditionTrue } from "./conditions";
import { controllerNamed, controllerOf, isDeleting } from "./meta";

export interface MemberFacts {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly uid: string;
  readonly deleting: boolean;
  /** The uid of its controller, if it has one. */
  readonly controllerUid: string | undefined;
  readonly hasController: boolean;
  /** Its `warm-pool-sandbox` label (the pool name's hash). */
  readonly poolHash: string | undefined;
  /** The warm pool that controls it, when it is not being deleted and carries a template-ref hash. */
  readonly adoptableFrom: string | undefined;
  /** Labelled as a warm launch. */
  readonly warmLaunch: boolean;
  readonly ready: boolean;
  /** Its pod ended (condition Finished): it can never become Ready. */
  readonly finished: boolean;
  /** Has a pod IP: adopting it hands the client something routable. */
  readonly routable: boolean;
  readonly node: string | undefined;
  /** Creation time in ms (0 when absent). */
  readonly created: number;
}

const known = new WeakMap<v1beta1.Sandbox, MemberFacts>();

/** The name of the warm pool that controls `s`. */
export const controllingPool = (s: v1beta1.Sandbox): string | undefined =>
  controllerNamed(s.metadata, SANDBOX_WARM_POOL);

export const memberFacts = (s: v1beta1.Sandbox): MemberFacts => {
  const cached = known.get(s);
  if (cached !== undefined) return cached;
  const labels = s.metadata.labels;
  const deleting = isDeleting(s.metadata);
  const controller = controllerOf(s.metadata);
  const facts: MemberFacts = {
    name: s.metadata.name ?? "",
    namespace: s.metadata.namespace,
    uid: s.metadata.uid ?? "",
    deleting,
    controllerUid: controller?.uid,
    hasController: controller !== undefined,
    poolHash: labels?.[LABEL_WARM_POOL_SANDBOX],
    adoptableFrom:
      deleting || labels?.[LABEL_SANDBOX_TEMPLATE_REF_HASH] === undefined ? undefined : controllingPool(s),
    warmLaunch: labels?.[LABEL_LAUNCH_TYPE] === LAUNCH_TYPE_WARM,
    ready: isConditionTrue(s.status?.conditions, CONDITION_READY),
    finished: isConditionTrue(s.status?.conditions, CONDITION_FINISHED),
    routable: (s.status?.podIPs ?? []).length > 0,
    node: s.status?.nodeName || undefined,
    created: Date.parse(s.metadata.creationTimestamp ?? "") || 0,
  };
  known.set(s, facts);
  return facts;
};
