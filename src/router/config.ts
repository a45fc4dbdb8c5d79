// Router CLI configuration from flags and environment, with upstream's names. Pure: parse, never exit.
import { parseArgs } from "node:util";
import { Either } from "effect";

export interface RouterCliConfig {
  readonly hostname: string;
  readonly port: number;
  readonly metricsHostname: string;
  readonly metricsPort: number | null;
  readonly clusterDomain: string;
  readonly proxyTimeoutSeconds: number;
  readonly authzMode: "none" | "static" | "tokenreview";
  readonly authToken: string | undefined;
  readonly allowUnauthenticated: boolean;
  readonly tokenReviewTtlMs: number;
  readonly tokenReviewCacheSize: number;
  readonly tokenReviewAudiences: readonly string[];
  readonly kubeconfig: string | undefined;
  /** Watch Sandboxes and SandboxClaims into the resolution index (needs a kubeconfig or in-cluster config). */
  readonly cacheEnabled: boolean;
  /** Namespace the index watches; all namespaces when undefined. */
  readonly cacheNamespace: string | undefined;
  readonly localPodCidrs: readonly string[];
  readonly upstreamMaxRetries: number;
  readonly wsIdleTimeoutMs: number;
  readonly wsMaxLifetimeMs: number;
  readonly wsMaxMessageBytes: number;
  readonly wsMaxConnectionsPerClient: number;
  readonly accessLogSampleRate: number;
  readonly shutdownTimeoutMs: number;
}

export class ConfigError {
  readonly _tag = "ConfigError";
  constructor(readonly message: string) {}
}

type Env = Readonly<Record<string, string | undefined>>;

/** host:port or :port (Go style). */
export function parseBindAddress(
  raw: string,
  name: string,
): Either.Either<{ hostname: string; port: number }, ConfigError> {
  const colon = raw.lastIndexOf(":");
  const host = colon === -1 ? "" : raw.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const portText = colon === -1 ? raw : raw.slice(colon + 1);
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535) {
    return Either.left(new ConfigError(`${name}: expected host:port or :port, got ${JSON.stringify(raw)}`));
  }
  return Either.right({ hostname: host || "0.0.0.0", port });
}

/** Seconds from "180", "180s", "2m", "1h30m" or "500ms" (Go durations and upstream's numeric env values). */
export function parseSeconds(raw: string, name: string): Either.Either<number, ConfigError> {
  const text = raw.trim();
  const bad = Either.left(
    new ConfigError(`${name}: expected a positive duration like 180 or 3m, got ${JSON.stringify(raw)}`),
  );
  if (/^[0-9]*\.?[0-9]+$/.test(text)) {
    const n = Number(text);
    return n > 0 ? Either.right(n) : bad;
  }
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const re = /([0-9]*\.?[0-9]+)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * unit[m[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === text.length && text.length > 0 && total > 0 ? Either.right(total) : bad;
}

function nonNegativeInt(raw: string, name: string): Either.Either<number, ConfigError> {
  return /^[0-9]+$/.test(raw.trim())
    ? Either.right(Number(raw.trim()))
    : Either.left(new ConfigError(`${name}: expected a non-negative integer, got ${JSON.stringify(raw)}`));
}

function secondsOrZero(raw: string, name: string): Either.Either<number, ConfigError> {
  return raw.trim() === "0" ? Either.right(0) : parseSeconds(raw, name);
}

const truthy = (v: string | undefined) =>
  ["1", "true", "t", "yes", "y", "on"].includes((v ?? "").trim().toLowerCase());

export const USAGE = `Usage: router [flags]
  --http-bind-address <host:port>     proxy listener (default :8080)
  --metrics-bind-address <host:port>  /metrics, /healthz, /readyz listener (default :9090; "0" disables)
  --proxy-timeout <duration>          backend response deadline (env PROXY_TIMEOUT_SECONDS, default 180s)
  --cluster-domain <domain>           DNS suffix for <id>.<ns>.svc.<domain> (env CLUSTER_DOMAIN)
  --authz-mode <none|static|tokenreview>  (static is implied by ROUTER_AUTH_TOKEN)
  --authz-tokenreview-ttl <duration>  --authz-tokenreview-cache-size <n>  --authz-tokenreview-audiences <a,b>
  --kubeconfig <path>                 (env KUBECONFIG; in-cluster config when absent)
  --cache-enabled                     watch Sandboxes/SandboxClaims into the resolution index
  --cache-namespace <ns>              watch one namespace only (default: all)
  --local-pod-cidr <cidr[,cidr]>      loopback pod range X-Sandbox-Pod-IP may target (local mode)
  --upstream-max-retries <n>          dial retries (default 3)
  --shutdown-timeout <duration>       drain bound on SIGTERM (default 30s)
  --access-log-sample-rate <0..1>     (env ACCESS_LOG_SAMPLE_RATE, default 0 = off)
Env: ROUTER_AUTH_TOKEN, ALLOW_UNAUTHENTICATED_ROUTER, WEBSOCKET_IDLE_TIMEOUT_SECONDS,
  WEBSOCKET_MAX_LIFETIME_SECONDS, WEBSOCKET_MAX_MESSAGE_BYTES, WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT`;

export function parseRouterConfig(
  argv: readonly string[],
  env: Env,
): Either.Either<RouterCliConfig, ConfigError> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        "http-bind-address": { type: "string" },
        "metrics-bind-address": { type: "string" },
        "proxy-timeout": { type: "string" },
        "cluster-domain": { type: "string" },
        "authz-mode": { type: "string" },
        "authz-tokenreview-ttl": { type: "string" },
        "authz-tokenreview-cache-size": { type: "string" },
        "authz-tokenreview-audiences": { type: "string" },
        kubeconfig: { type: "string" },
        "cache-enabled": { type: "boolean" },
        "cache-namespace": { type: "string" },
        "local-pod-cidr": { type: "string" },
        "upstream-max-retries": { type: "string" },
        "shutdown-timeout": { type: "string" },
        "access-log-sample-rate": { type: "string" },
      },
    }).values;
  } catch (e) {
    return Either.left(new ConfigError(e instanceof Error ? e.message : String(e)));
  }
  const str = (k: string) => values[k] as string | undefined;
  return Either.gen(function* () {
    const http = yield* parseBindAddress(str("http-bind-address") ?? ":8080", "--http-bind-address");
    const metricsRaw = str("metrics-bind-address") ?? ":9090";
    const metrics =
      metricsRaw === "0"
        ? { hostname: http.hostname, port: null }
        : yield* parseBindAddress(metricsRaw, "--metrics-bind-address");
    const timeoutRaw = str("proxy-timeout") ?? env.PROXY_TIMEOUT_SECONDS;
    const proxyTimeoutSeconds =
      timeoutRaw === undefined ? 180 : yield* parseSeconds(timeoutRaw, "proxy timeout");
    const clusterDomain = str("cluster-domain") ?? (env.CLUSTER_DOMAIN || "cluster.local");
    const authToken = env.ROUTER_AUTH_TOKEN?.trim() || undefined;
    const modeRaw = str("authz-mode") ?? (authToken !== undefined ? "static" : "none");
    const authzMode = modeRaw === "allow-all" ? "none" : modeRaw;
    if (authzMode !== "none" && authzMode !== "static" && authzMode !== "tokenreview") {
      return yield* Either.left(
        new ConfigError(`--authz-mode: expected none, static or tokenreview, got ${modeRaw}`),
      );
    }
    if (authzMode === "static" && authToken === undefined) {
      return yield* Either.left(new ConfigError("--authz-mode=static needs ROUTER_AUTH_TOKEN"));
    }
    const rate = Number(str("access-log-sample-rate") ?? env.ACCESS_LOG_SAMPLE_RATE ?? "0");
    if (!(rate >= 0 && rate <= 1)) {
      return yield* Either.left(new ConfigError("access log sample rate must be between 0 and 1"));
    }
    const optSeconds = (raw: string | undefined, fallback: number, name: string) =>
      raw === undefined ? Either.right(fallback) : secondsOrZero(raw, name);
    const optInt = (raw: string | undefined, fallback: number, name: string) =>
      raw === undefined ? Either.right(fallback) : nonNegativeInt(raw, name);
    return {
      hostname: http.hostname,
      port: http.port,
      metricsHostname: metrics.hostname,
      metricsPort: metrics.port,
      clusterDomain,
      proxyTimeoutSeconds,
      authzMode,
      authToken,
      allowUnauthenticated: truthy(env.ALLOW_UNAUTHENTICATED_ROUTER),
      tokenReviewTtlMs:
        (yield* optSeconds(str("authz-tokenreview-ttl"), 30, "--authz-tokenreview-ttl")) * 1000,
      tokenReviewCacheSize: yield* optInt(
        str("authz-tokenreview-cache-size"),
        2048,
        "--authz-tokenreview-cache-size",
      ),
      tokenReviewAudiences: (str("authz-tokenreview-audiences") ?? "")
        .split(",")
        .filter((a) => a.trim() !== ""),
      kubeconfig: str("kubeconfig") ?? env.KUBECONFIG,
      cacheEnabled: values["cache-enabled"] === true,
      cacheNamespace: str("cache-namespace") || undefined,
      localPodCidrs: (str("local-pod-cidr") ?? env.LOCAL_POD_CIDR ?? "")
        .split(",")
        .filter((c) => c.trim() !== ""),
      upstreamMaxRetries: yield* optInt(str("upstream-max-retries"), 3, "--upstream-max-retries"),
      wsIdleTimeoutMs:
        (yield* optSeconds(env.WEBSOCKET_IDLE_TIMEOUT_SECONDS, 3600, "WEBSOCKET_IDLE_TIMEOUT_SECONDS")) *
        1000,
      wsMaxLifetimeMs:
        (yield* optSeconds(env.WEBSOCKET_MAX_LIFETIME_SECONDS, 86400, "WEBSOCKET_MAX_LIFETIME_SECONDS")) *
        1000,
      wsMaxMessageBytes: yield* optInt(
        env.WEBSOCKET_MAX_MESSAGE_BYTES,
        16 * 1024 * 1024,
        "WEBSOCKET_MAX_MESSAGE_BYTES",
      ),
      wsMaxConnectionsPerClient: yield* optInt(
        env.WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT,
        64,
        "WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT",
      ),
      accessLogSampleRate: rate,
      shutdownTimeoutMs: (yield* optSeconds(str("shutdown-timeout"), 30, "--shutdown-timeout")) * 1000,
    } satisfies RouterCliConfig;
  });
}
