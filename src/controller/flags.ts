// The controller's command line: upstream's flags (§2.1) plus ours (--kubeconfig, --router-namespace,
// --dns-nameservers). Pure: argv in, settings or a clear error out.
import { Either } from "effect";
import {
  CONTROLLER_NAMESPACE,
  DEFAULT_CLUSTER_DOMAIN,
  SECURE_DEFAULT_NAMESERVERS,
  WEBHOOK_PORT,
  WEBHOOK_SERVICE_NAME,
} from "../api";
import { type Address, parseAddress } from "./http";
import type { Concurrency } from "./manager";

export interface ControllerFlags {
  readonly kubeconfig?: string;
  readonly metricsAddress?: Address;
  readonly probeAddress?: Address;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace: string;
  readonly extensions: boolean;
  readonly namespace?: string;
  readonly clusterDomain: string;
  readonly routerNamespace: string;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly allowedLabelDomainsFile: string;
  readonly concurrency: Concurrency;
  readonly warmPoolMaxBatchSize: number;
  readonly warmPoolReadinessGraceMs: number;
  readonly warmPoolUnschedulableRecheckMs: number;
  readonly enableWarmPoolEviction: boolean;
  readonly warmPoolReplenishDelayMs: number;
  readonly warmPoolMaxRefillRate: number;
  /** Watch only Pods and Services that carry the sandbox tracking label. */
  readonly cacheLabelSelectors: boolean;
  readonly webhook?: {
    readonly port: number;
    readonly certDir: string;
    readonly certName: string;
    readonly keyName: string;
    readonly serviceName: string;
    readonly namespace: string;
    readonly manageCerts: boolean;
  };
  readonly version: boolean;
  readonly help: boolean;
}

type Kind = "string" | "bool" | "int" | "number" | "duration" | "address" | "list";
const FLAGS: Record<string, { kind: Kind; default: string }> = {
  kubeconfig: { kind: "string", default: "" },
  "metrics-bind-address": { kind: "address", default: ":8080" },
  "health-probe-bind-address": { kind: "address", default: ":8081" },
  "leader-elect": { kind: "bool", default: "true" },
  "leader-election-namespace": { kind: "string", default: "" },
  extensions: { kind: "bool", default: "false" },
  namespace: { kind: "string", default: "" },
  "cluster-domain": { kind: "string", default: DEFAULT_CLUSTER_DOMAIN },
  "router-namespace": { kind: "string", default: "" },
  "dns-nameservers": { kind: "list", default: SECURE_DEFAULT_NAMESERVERS.join(",") },
  "allowed-label-domains-file": { kind: "string", default: "/etc/sandbox-config/allowed-label-domains" },
  "sandbox-concurrent-workers": { kind: "int", default: "100" },
  "sandbox-claim-concurrent-workers": { kind: "int", default: "50" },
  "sandbox-warm-pool-concurrent-workers": { kind: "int", default: "1" },
  "sandbox-template-concurrent-workers": { kind: "int", default: "1" },
  "sandbox-warm-pool-max-batch-size": { kind: "int", default: "300" },
  "sandbox-warm-pool-readiness-grace-period": { kind: "duration", default: "5m" },
  "sandbox-warm-pool-unschedulable-recheck-interval": { kind: "duration", default: "1m" },
  "enable-warm-pool-eviction": { kind: "bool", default: "true" },
  "sandbox-warm-pool-replenish-delay": { kind: "duration", default: "0" },
  "sandbox-warm-pool-max-refill-rate": { kind: "number", default: "0" },
  "cache-label-selectors": { kind: "bool", default: "false" },
  "enable-webhook": { kind: "bool", default: "false" },
  "webhook-port": { kind: "int", default: String(WEBHOOK_PORT) },
  "webhook-cert-dir": { kind: "string", default: "/tmp/k8s-webhook-server/serving-certs" },
  "webhook-cert-name": { kind: "string", default: "tls.crt" },
  "webhook-key-name": { kind: "string", default: "tls.key" },
  "webhook-service-name": { kind: "string", default: WEBHOOK_SERVICE_NAME },
  "webhook-namespace": { kind: "string", default: CONTROLLER_NAMESPACE },
  "manage-webhook-certs": { kind: "bool", default: "true" },
  version: { kind: "bool", default: "false" },
  help: { kind: "bool", default: "false" },
};

/** Upstream flags this controller accepts for compatibility but does not act on. */
export const IGNORED_FLAGS = [
  "enable-tracing",
  "enable-pprof",
  "enable-pprof-debug",
  "pprof-block-profile-rate",
  "pprof-mutex-profile-fraction",
  "kube-api-qps",
  "kube-api-burst",
  "api-connections",
  "separate-watch-connection",
  "disable-claim-events",
  "disable-claim-observability-annotations",
  "sandbox-write-behind-window",
];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations: "300ms", "30s", "5m", "1h", or a sequence like "1m30s". */
export const parseDuration = (value: string): number | undefined => {
  let total = 0;
  let rest = value;
  if (rest === "0") return 0;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (m === null) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return value.length > 0 ? total : undefined;
};

/** `--help` text: every flag with its default, then the upstream flags accepted and ignored. */
export const usage = (): string =>
  [
    "Usage: agent-sandbox-controller [flags]",
    "",
    ...Object.entries(FLAGS).map(
      ([name, spec]) => `  --${name}${spec.default === "" ? "" : ` (default ${spec.default})`}`,
    ),
    "",
    `Accepted and ignored: ${IGNORED_FLAGS.map((f) => `--${f}`).join(", ")}`,
  ].join("\n");

export const parseFlags = (argv: ReadonlyArray<string>): Either.Either<ControllerFlags, string> => {
  const values: Record<string, string> = Object.fromEntries(
    Object.entries(FLAGS).map(([k, v]) => [k, v.default]),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) return Either.left(`unexpected argument "${arg}"`);
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = FLAGS[name];
    const ignored = IGNORED_FLAGS.includes(name);
    if (spec === undefined && !ignored) return Either.left(`unknown flag --${name}`);
    let value: string;
    if (eq !== -1) value = body.slice(eq + 1);
    else if (spec?.kind === "bool") value = "true";
    else {
      const next = argv[++i];
      if (next === undefined) return Either.left(`flag --${name} needs a value`);
      value = next;
    }
    if (!ignored) values[name] = value;
  }
  const errors: string[] = [];
  const str = (k: string) => values[k]!;
  const bool = (k: string) => {
    const v = str(k);
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    errors.push(`--${k} must be true or false, got "${v}"`);
    return false;
  };
  const int = (k: string, min: number) => {
    const n = Number(str(k));
    if (!Number.isInteger(n) || n < min) errors.push(`--${k} must be an integer >= ${min}, got "${str(k)}"`);
    return n;
  };
  const nonNegative = (k: string) => {
    const n = Number(str(k));
    if (str(k).trim() === "" || !Number.isFinite(n) || n < 0)
      errors.push(`--${k} must be a finite number >= 0, got "${str(k)}"`);
    return n;
  };
  const duration = (k: string) => {
    const ms = parseDuration(str(k));
    if (ms === undefined) errors.push(`--${k} must be a duration like 30s or 5m, got "${str(k)}"`);
    return ms ?? 0;
  };
  const address = (k: string) => {
    try {
      return parseAddress(str(k));
    } catch (e) {
      errors.push(`--${k}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const list = (k: string) =>
    str(k)
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);

  const metricsAddress = address("metrics-bind-address");
  const probeAddress = address("health-probe-bind-address");
  const flags: ControllerFlags = {
    ...(str("kubeconfig") ? { kubeconfig: str("kubeconfig") } : {}),
    ...(metricsAddress ? { metricsAddress } : {}),
    ...(probeAddress ? { probeAddress } : {}),
    help: bool("help"),
    leaderElect: bool("leader-elect"),
    leaderElectionNamespace: str("leader-election-namespace"),
    extensions: bool("extensions"),
    ...(str("namespace") ? { namespace: str("namespace") } : {}),
    clusterDomain: str("cluster-domain"),
    routerNamespace: str("router-namespace"),
    dnsNameservers: list("dns-nameservers"),
    allowedLabelDomainsFile: str("allowed-label-domains-file"),
    concurrency: {
      sandbox: int("sandbox-concurrent-workers", 1),
      claim: int("sandbox-claim-concurrent-workers", 1),
      warmPool: int("sandbox-warm-pool-concurrent-workers", 1),
      template: int("sandbox-template-concurrent-workers", 1),
    },
    warmPoolMaxBatchSize: int("sandbox-warm-pool-max-batch-size", 1),
    warmPoolReadinessGraceMs: duration("sandbox-warm-pool-readiness-grace-period"),
    warmPoolUnschedulableRecheckMs: duration("sandbox-warm-pool-unschedulable-recheck-interval"),
    enableWarmPoolEviction: bool("enable-warm-pool-eviction"),
    warmPoolReplenishDelayMs: duration("sandbox-warm-pool-replenish-delay"),
    warmPoolMaxRefillRate: nonNegative("sandbox-warm-pool-max-refill-rate"),
    cacheLabelSelectors: bool("cache-label-selectors"),
    ...(bool("enable-webhook")
      ? {
          webhook: {
            port: int("webhook-port", 0),
            certDir: str("webhook-cert-dir"),
            certName: str("webhook-cert-name"),
            keyName: str("webhook-key-name"),
            serviceName: str("webhook-service-name"),
            namespace: str("webhook-namespace"),
            manageCerts: bool("manage-webhook-certs"),
          },
        }
      : {}),
    version: bool("version"),
  };
  return errors.length > 0 ? Either.left(errors.join("\n")) : Either.right(flags);
};

/** Allowed label domains for claim metadata: comma or newline separated; the default when the file is absent. */
export const parseAllowedLabelDomains = (
  text: string | undefined,
  fallback: ReadonlyArray<string>,
): ReadonlyArray<string> => {
  if (text === undefined) return fallback;
  const domains = text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return domains.length > 0 ? domains : fallback;
};
