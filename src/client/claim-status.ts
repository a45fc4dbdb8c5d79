// Reading a SandboxClaim's status the way both SDK generations do: bound sandbox name (`name`, or `Name`
// from v0.2.1), Ready, and the reasons after which waiting is pointless.
import {
  CONDITION_READY,
  REASON_TEMPLATE_NOT_FOUND,
  REASON_WARM_POOL_NOT_FOUND,
  TERMINAL_CLAIM_REASONS,
} from "../api/index";
import { ClaimFailed, TemplateNotFound, WarmPoolNotFound } from "./errors";

interface ClaimCondition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface ClaimLike {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
  readonly status?: {
    readonly sandbox?: {
      readonly name?: string;
      readonly Name?: string;
      readonly podIPs?: ReadonlyArray<string>;
    };
    readonly conditions?: ReadonlyArray<ClaimCondition>;
  };
}

/** Reasons the controller will not recover from by itself (the SDKs' fail-fast list). */
export const TERMINAL_REASONS: ReadonlySet<string> = new Set(TERMINAL_CLAIM_REASONS);

export interface Bound {
  readonly sandboxName: string;
  readonly podIPs: ReadonlyArray<string>;
}

export type ClaimProgress =
  | { readonly _tag: "Bound"; readonly bound: Bound }
  | { readonly _tag: "Waiting"; readonly reason: string; readonly message: string }
  | { readonly _tag: "Failed"; readonly error: TemplateNotFound | WarmPoolNotFound | ClaimFailed };

/** Where a claim stands: ready and bound, still waiting (with why), or failed for good. */
export const claimProgress = (claim: ClaimLike, namespace: string): ClaimProgress => {
  const name = claim.metadata?.name ?? "";
  const ready = claim.status?.conditions?.find((c) => c.type === CONDITION_READY);
  const sandboxName = claim.status?.sandbox?.name || claim.status?.sandbox?.Name;
  if (sandboxName && ready?.status === "True")
    return { _tag: "Bound", bound: { sandboxName, podIPs: claim.status?.sandbox?.podIPs ?? [] } };
  const reason = ready?.reason ?? "Pending";
  const message = ready?.message ?? "waiting for the controller";
  const fields = { claim: name, namespace, message: `claim ${namespace}/${name}: ${reason}: ${message}` };
  if (reason === REASON_TEMPLATE_NOT_FOUND) return { _tag: "Failed", error: new TemplateNotFound(fields) };
  if (reason === REASON_WARM_POOL_NOT_FOUND) return { _tag: "Failed", error: new WarmPoolNotFound(fields) };
  if (TERMINAL_REASONS.has(reason)) return { _tag: "Failed", error: new ClaimFailed({ ...fields, reason }) };
  return { _tag: "Waiting", reason, message };
};

/** IPv4 first, like the Python SDK, since routers and runtimes listen there by default. */
export const preferredPodIP = (podIPs: ReadonlyArray<string>): string | undefined =>
  podIPs.find((ip) => !ip.includes(":")) ?? podIPs[0];
