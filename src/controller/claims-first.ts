// Claims first: while claims wait for the controller, a bound Sandbox's bookkeeping waits for them. After a
// claim adopts a warm Sandbox, the Sandbox controller's pass brings the pod's metadata in line (it leaves the
// pool) and records the new generation in the Sandbox's status; the claim is Ready before either, and in a
// burst those passes took a third of the controller's thread from the claims still waiting. Such a pass is
// put off until no claim is queued or being reconciled (and then 20 ms more: a burst's claims come in waves),
// and never longer than `maxDeferMs`. What it defers: passes that would only patch a Sandbox that is bound
// to a claim, Ready, not being deleted, and stays Ready (anything else, such as a pod to create or delete, a
// failure to report or an expiry, runs at once).
import { Duration } from "effect";
import type { v1beta1 } from "../api";
import { CONDITION_READY, SANDBOX_CLAIM } from "../api";
import type { JsonObject, Plan } from "./common/actions";
import { isConditionTrue } from "./common/conditions";
import { controllerNamed, isDeleting } from "./common/meta";

/** How long a bound Sandbox's bookkeeping may wait for claims at the most. */
export const CLAIMS_FIRST_MAX_DEFER_MS = 1000;
/** How long after the claim queue went idle the passes put off come back. */
export const CLAIMS_FIRST_GRACE = Duration.millis(20);

const boundToClaim = (s: v1beta1.Sandbox): boolean =>
  controllerNamed(s.metadata, SANDBOX_CLAIM) !== undefined;

/** The Ready condition's status in a planned status patch. */
const readyIn = (status: JsonObject): string | undefined =>
  (status.conditions as ReadonlyArray<{ type: string; status: string }> | undefined)?.find(
    (c) => c.type === CONDITION_READY,
  )?.status;

/** Whether `plan` is bookkeeping of a Ready bound Sandbox: patches only, and the Sandbox stays Ready. */
export const isBoundBookkeeping = (sandbox: v1beta1.Sandbox, plan: Plan): boolean =>
  boundToClaim(sandbox) &&
  !isDeleting(sandbox.metadata) &&
  isConditionTrue(sandbox.status?.conditions, CONDITION_READY) &&
  plan.failure === undefined &&
  plan.actions.length > 0 &&
  plan.actions.every((a) => a._tag === "Patch" || (a._tag === "PatchStatus" && readyIn(a.status) === "True"));

/** The Sandbox keys put off, and since when. */
export class ClaimsFirst {
  readonly #since = new Map<string, number>();
  readonly #parked = new Set<string>();

  constructor(private readonly maxDeferMs = CLAIMS_FIRST_MAX_DEFER_MS) {}

  /**
   * For a bookkeeping pass of `key` while claims are pending: how long to put it off (undefined: run it now,
   * it has waited long enough). A key put off is parked until `release`.
   */
  defer(key: string, now: number): number | undefined {
    const since = this.#since.get(key) ?? now;
    const left = this.maxDeferMs - (now - since);
    if (left <= 0) {
      this.ran(key);
      return undefined;
    }
    this.#since.set(key, since);
    this.#parked.add(key);
    return left;
  }

  /** The key's pass ran: its wait, if any, is over. */
  ran(key: string): void {
    this.#since.delete(key);
    this.#parked.delete(key);
  }

  /** No claim is pending any more: the keys put off, to queue now. */
  release(): string[] {
    const keys = [...this.#parked];
    this.#parked.clear();
    return keys;
  }
}
