// Controller settings (flags of §2.1 that the planners use), with upstream's defaults.
import { DEFAULT_ALLOWED_LABEL_DOMAIN, DEFAULT_CLUSTER_DOMAIN, SECURE_DEFAULT_NAMESERVERS } from "../api";

export interface ControllerConfig {
  readonly clusterDomain: string;
  /** Namespace of the router pods the default NetworkPolicy admits; "" = the template's namespace. */
  readonly routerNamespace: string;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly allowedLabelDomains: ReadonlyArray<string>;
  readonly warmPoolMaxBatchSize: number;
  readonly warmPoolReadinessGraceMs: number;
  readonly warmPoolUnschedulableRecheckMs: number;
  readonly enableWarmPoolEviction: boolean;
  /** Hold refill back this long after pool members drop out (0 = refill at once). */
  readonly warmPoolReplenishDelayMs: number;
  /** Sandbox creates per second per pool when refilling (0 = unpaced). */
  readonly warmPoolMaxRefillRate: number;
  /** Longest a pool holds refill while it has claims waiting for a Sandbox (0 = never holds). Ours. */
  readonly warmPoolClaimsFirstMaxMs: number;
}

export const defaultControllerConfig: ControllerConfig = {
  clusterDomain: DEFAULT_CLUSTER_DOMAIN,
  routerNamespace: "",
  dnsNameservers: SECURE_DEFAULT_NAMESERVERS,
  allowedLabelDomains: [DEFAULT_ALLOWED_LABEL_DOMAIN],
  warmPoolMaxBatchSize: 300,
  warmPoolReadinessGraceMs: 5 * 60_000,
  warmPoolUnschedulableRecheckMs: 60_000,
  enableWarmPoolEviction: true,
  warmPoolReplenishDelayMs: 0,
  warmPoolMaxRefillRate: 0,
  warmPoolClaimsFirstMaxMs: 2000,
};
