// What the router does with a request, decided from its method, path and headers alone: answer it itself
// (probes, auth failures, bad routing headers) or forward it to a resolved sandbox. Shared by the
// web-standard handler (handler.ts) and the router's own HTTP/1.1 listener (server/), so both apply the
// same rules in the same order.
import type { AccessLog } from "./accessLog";
import { type Authenticator, type AuthOutcome, noAuth } from "./auth";
import { ErrorDetail } from "./errors";
import type { ForwardFailure } from "./forward";
import {
  DEFAULT_NAMESPACE,
  type HeaderReader,
  isDnsLabel,
  type PodIpPolicy,
  parseTarget,
  requestTimeoutMs,
  type Target,
} from "./headers";
import type { RouterMetrics } from "./metrics";
import type { Resolver } from "./resolver";

export interface Reply {
  readonly kind: "reply";
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

export interface Forward {
  readonly kind: "forward";
  readonly target: Target;
  /** `host:port` from the resolver. */
  readonly hostPort: string;
  /** Deadline for the response head: X-Sandbox-Timeout capped by the proxy timeout. */
  readonly timeoutMs: number;
}

export type Decision = Reply | Forward;

export interface RoutingConfig {
  /** PROXY_TIMEOUT_SECONDS in ms: the ceiling for waiting on a backend's response headers. */
  readonly proxyTimeoutMs: number;
  readonly podIpPolicy: PodIpPolicy;
}

export interface RoutingDeps {
  readonly auth?: Authenticator;
  readonly metrics?: RouterMetrics | undefined;
  /** /readyz on the proxy port answers from this (true when the index is synced and not draining). */
  readonly ready?: () => boolean;
}

/** Synchronous unless the authenticator has to ask the API server (TokenReview cache miss). */
export type Routing = (
  method: string,
  pathAndQuery: string,
  headers: HeaderReader,
) => Decision | Promise<Decision>;

const JSON_TYPE = "application/json";
const TEXT_TYPE = "text/plain;charset=utf-8";
const HEALTHY: Reply = {
  kind: "reply",
  status: 200,
  body: JSON.stringify({ status: "ok" }),
  contentType: JSON_TYPE,
};
const READY: Reply = { kind: "reply", status: 200, body: "ok", contentType: TEXT_TYPE };
const NOT_READY: Reply = { kind: "reply", status: 503, body: "not ready", contentType: TEXT_TYPE };

/** `{"detail": ...}` with upstream's status and wording. */
export function errorReply(status: number, detail: string): Reply {
  return { kind: "reply", status, body: JSON.stringify({ detail }), contentType: JSON_TYPE };
}

const FAILURE_STATUS: Record<ForwardFailure, number> = {
  connect: 502,
  timeout: 504,
  upgrade: 502,
  internal: 500,
};

/** The error the client gets when forwarding to sandbox `id` failed before a response head arrived. */
export function failureReply(failure: ForwardFailure, id: string): Reply {
  const detail =
    failure === "connect"
      ? ErrorDetail.connectFailed(id)
      : failure === "timeout"
        ? ErrorDetail.timedOut(id)
        : failure === "upgrade"
          ? ErrorDetail.upgradeOverHttp
          : ErrorDetail.internal;
  return errorReply(FAILURE_STATUS[failure], detail);
}

function isPath(pathAndQuery: string, path: string): boolean {
  return (
    pathAndQuery.startsWith(path) &&
    (pathAndQuery.length === path.length || pathAndQuery[path.length] === "?")
  );
}

export function makeRouting(config: RoutingConfig, resolver: Resolver, deps: RoutingDeps = {}): Routing {
  const auth = deps.auth ?? noAuth;
  const { metrics } = deps;
  const ready = deps.ready ?? (() => true);

  function target(headers: HeaderReader): Decision {
    const parsed = parseTarget(headers, config.podIpPolicy);
    if (typeof parsed === "string") return errorReply(400, parsed);
    return {
      kind: "forward",
      target: parsed,
      hostPort: resolver.resolve(parsed),
      timeoutMs: requestTimeoutMs(headers.get("x-sandbox-timeout"), config.proxyTimeoutMs),
    };
  }

  function authorised(headers: HeaderReader, outcome: AuthOutcome): Decision {
    if (metrics !== undefined) {
      const rawNs = headers.get("x-sandbox-namespace") ?? DEFAULT_NAMESPACE;
      metrics.authzDecision(isDnsLabel(rawNs) ? rawNs : "-", outcome === undefined ? "allow" : "deny");
    }
    return outcome === undefined ? target(headers) : errorReply(outcome.status, outcome.detail);
  }

  return (method, pathAndQuery, headers) => {
    if (method === "GET" && pathAndQuery.charCodeAt(1) === 104 /* h */ && isPath(pathAndQuery, "/healthz")) {
      return HEALTHY;
    }
    if (method === "GET" && isPath(pathAndQuery, "/readyz") && !headers.has("x-sandbox-id")) {
      return ready() ? READY : NOT_READY;
    }
    if (auth.mode === "none") return target(headers);
    const denied = auth.authenticate(headers);
    return denied instanceof Promise
      ? denied.then((outcome) => authorised(headers, outcome))
      : authorised(headers, denied);
  };
}

/** Metrics and the access log for one request, measured from when it was read to when its head was sent. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Set once the routing headers were valid. */
  readonly target: Target | undefined;
  readonly clientIp: string;
  readonly startedAt: number;
}

export interface RequestObserver {
  /** False when neither metrics nor the access log are on: callers skip timing. */
  readonly enabled: boolean;
  started(): void;
  finished(record: RequestRecord): void;
}

export function makeObserver(
  metrics: RouterMetrics | undefined,
  accessLog: AccessLog | undefined,
): RequestObserver {
  return {
    enabled: metrics !== undefined || accessLog !== undefined,
    started() {
      if (metrics !== undefined) metrics.inflight++;
    },
    finished(r) {
      const durationMs = performance.now() - r.startedAt;
      const namespace = r.target?.namespace ?? "-";
      if (metrics !== undefined) {
        metrics.inflight--;
        metrics.observeRequest(r.method, r.status, namespace, durationMs / 1000);
      }
      accessLog?.({
        method: r.method,
        path: r.path,
        status: r.status,
        sandboxId: r.target?.id,
        namespace,
        durationMs,
        clientIp: r.clientIp,
      });
    },
  };
}
