// The router's web-standard core: `(Request) => Promise<Response>`. Runtime adapters (bun.ts, deno.ts) only
// bind it to a server. On success the upstream Response is returned as is (body untouched, streamed).
import type { AccessLog } from "./accessLog";
import { type Authenticator, noAuth } from "./auth";
import { ErrorDetail, errorResponse, logInternalError } from "./errors";
import {
  DEFAULT_RETRY,
  type Forwarder,
  type ForwardFailure,
  fetchForwarder,
  type RetryPolicy,
} from "./forward";
import { DEFAULT_NAMESPACE, isDnsLabel, type PodIpPolicy, parseTarget, requestTimeoutMs } from "./headers";
import type { RouterMetrics } from "./metrics";
import type { Resolver } from "./resolver";

export interface HandlerConfig {
  /** PROXY_TIMEOUT_SECONDS in ms: the ceiling for waiting on a backend's response headers. */
  readonly proxyTimeoutMs: number;
  readonly podIpPolicy: PodIpPolicy;
  readonly retry?: RetryPolicy;
  /** Scheme clients used to reach the router, sent as X-Forwarded-Proto. */
  readonly proto?: "http" | "https";
}

export interface HandlerDeps {
  readonly auth?: Authenticator;
  readonly metrics?: RouterMetrics;
  readonly accessLog?: AccessLog | undefined;
  /** /readyz on the proxy port answers from this (true when the index is synced and not draining). */
  readonly ready?: () => boolean;
  /** How requests reach the sandbox; web fetch unless the runtime adapter brings its own client. */
  readonly forwarder?: Forwarder;
}

export type RouterHandler = (req: Request, clientIp?: string) => Promise<Response>;

const HEALTHZ_BODY = JSON.stringify({ status: "ok" });
const FAILURE_STATUS: Record<ForwardFailure, number> = {
  connect: 502,
  timeout: 504,
  upgrade: 502,
  internal: 500,
};

/** Path and query exactly as the server handed them over (everything after the authority). */
export function rawPathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start === -1 ? "/" : url.slice(start);
}

function isPath(pathAndQuery: string, path: string): boolean {
  return (
    pathAndQuery.startsWith(path) &&
    (pathAndQuery.length === path.length || pathAndQuery[path.length] === "?")
  );
}

function failureDetail(failure: ForwardFailure, id: string): string {
  if (failure === "connect") return ErrorDetail.connectFailed(id);
  if (failure === "timeout") return ErrorDetail.timedOut(id);
  if (failure === "upgrade") return ErrorDetail.upgradeOverHttp;
  return ErrorDetail.internal;
}

export function makeHandler(
  config: HandlerConfig,
  resolver: Resolver,
  deps: HandlerDeps = {},
): RouterHandler {
  const auth = deps.auth ?? noAuth;
  const { metrics, accessLog } = deps;
  const ready = deps.ready ?? (() => true);
  const forwarder = deps.forwarder ?? fetchForwarder;
  const retry = config.retry ?? DEFAULT_RETRY;
  const proto = config.proto ?? "http";
  const authEnabled = auth.mode !== "none";
  const timed = metrics !== undefined || accessLog !== undefined;

  return async function handle(req: Request, clientIp = "unknown"): Promise<Response> {
    const started = timed ? performance.now() : 0;
    if (metrics !== undefined) metrics.inflight++;
    const headers = req.headers;
    const pathAndQuery = rawPathAndQuery(req.url);
    let namespace = "-";
    let sandboxId: string | undefined;
    let res: Response;
    try {
      res = await route();
    } catch (error) {
      logInternalError("request failed inside the router", error);
      res = errorResponse(500, ErrorDetail.internal);
    }
    if (timed) {
      const durationMs = performance.now() - started;
      if (metrics !== undefined) {
        metrics.inflight--;
        metrics.observeRequest(req.method, res.status, namespace, durationMs / 1000);
      }
      accessLog?.({
        method: req.method,
        path: pathAndQuery,
        status: res.status,
        sandboxId,
        namespace,
        durationMs,
        clientIp,
      });
    }
    return res;

    async function route(): Promise<Response> {
      if (
        req.method === "GET" &&
        pathAndQuery.charCodeAt(1) === 104 /* h */ &&
        isPath(pathAndQuery, "/healthz")
      ) {
        return new Response(HEALTHZ_BODY, { headers: { "content-type": "application/json" } });
      }
      if (isPath(pathAndQuery, "/readyz") && req.method === "GET" && !headers.has("x-sandbox-id")) {
        return ready() ? new Response("ok") : new Response("not ready", { status: 503 });
      }
      if (authEnabled) {
        const denied = await auth.authenticate(headers);
        if (metrics !== undefined) {
          const rawNs = headers.get("x-sandbox-namespace") ?? DEFAULT_NAMESPACE;
          metrics.authzDecision(isDnsLabel(rawNs) ? rawNs : "-", denied === undefined ? "allow" : "deny");
        }
        if (denied !== undefined) return errorResponse(denied.status, denied.detail);
      }
      const target = parseTarget(headers, config.podIpPolicy);
      if (typeof target === "string") return errorResponse(400, target);
      namespace = target.namespace;
      sandboxId = target.id;

      const contentLength = headers.get("content-length");
      const hasBody = (contentLength !== null && contentLength !== "0") || headers.has("transfer-encoding");
      const upstream = await forwarder(
        {
          request: req,
          hostPort: resolver.resolve(target),
          pathAndQuery,
          hasBody,
          forwarded: { clientIp, proto },
        },
        {
          timeoutMs: requestTimeoutMs(headers.get("x-sandbox-timeout"), config.proxyTimeoutMs),
          retryable: !hasBody,
          retry,
          onRetry: () => metrics?.upstreamRetry(target.namespace),
        },
      );
      if (typeof upstream === "string") {
        metrics?.upstreamError(target.namespace, upstream);
        return errorResponse(FAILURE_STATUS[upstream], failureDetail(upstream, target.id));
      }
      return upstream;
    }
  };
}
