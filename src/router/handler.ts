// The router's web-standard core: `(Request) => Promise<Response>`. Runtime adapters (bun.ts, deno.ts) only
// bind it to a server. On success the upstream Response is returned as is (body untouched, streamed).
import type { AccessLog } from "./accessLog";
import type { Authenticator } from "./auth";
import { ErrorDetail, logInternalError } from "./errors";
import { DEFAULT_RETRY, type Forwarder, fetchForwarder, type RetryPolicy } from "./forward";
import type { Target } from "./headers";
import type { RouterMetrics } from "./metrics";
import type { Resolver } from "./resolver";
import {
  type Decision,
  errorReply,
  failureReply,
  makeObserver,
  makeRouting,
  type Reply,
  type RoutingConfig,
} from "./routing";

export interface HandlerConfig extends RoutingConfig {
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

/** Path and query exactly as the server handed them over (everything after the authority). */
export function rawPathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start === -1 ? "/" : url.slice(start);
}

function replyResponse(reply: Reply): Response {
  return new Response(reply.body, { status: reply.status, headers: { "content-type": reply.contentType } });
}

export function makeHandler(
  config: HandlerConfig,
  resolver: Resolver,
  deps: HandlerDeps = {},
): RouterHandler {
  const route = makeRouting(config, resolver, deps);
  const observer = makeObserver(deps.metrics, deps.accessLog);
  const { metrics } = deps;
  const forwarder = deps.forwarder ?? fetchForwarder;
  const retry = config.retry ?? DEFAULT_RETRY;
  const proto = config.proto ?? "http";

  return async function handle(req: Request, clientIp = "unknown"): Promise<Response> {
    const startedAt = observer.enabled ? performance.now() : 0;
    if (observer.enabled) observer.started();
    const pathAndQuery = rawPathAndQuery(req.url);
    let target: Target | undefined;
    let res: Response;
    try {
      const routed = route(req.method, pathAndQuery, req.headers);
      const decision: Decision = routed instanceof Promise ? await routed : routed;
      if (decision.kind === "reply") res = replyResponse(decision);
      else {
        target = decision.target;
        res = await forward(req, decision.hostPort, decision.timeoutMs, target, clientIp, pathAndQuery);
      }
    } catch (error) {
      logInternalError("request failed inside the router", error);
      res = replyResponse(errorReply(500, ErrorDetail.internal));
    }
    if (observer.enabled) {
      observer.finished({
        method: req.method,
        path: pathAndQuery,
        status: res.status,
        target,
        clientIp,
        startedAt,
      });
    }
    return res;
  };

  async function forward(
    req: Request,
    hostPort: string,
    timeoutMs: number,
    target: Target,
    clientIp: string,
    pathAndQuery: string,
  ): Promise<Response> {
    const headers = req.headers;
    const contentLength = headers.get("content-length");
    const hasBody = (contentLength !== null && contentLength !== "0") || headers.has("transfer-encoding");
    const upstream = await forwarder(
      { request: req, hostPort, pathAndQuery, hasBody, forwarded: { clientIp, proto } },
      {
        timeoutMs,
        retryable: !hasBody,
        retry,
        onRetry: () => metrics?.upstreamRetry(target.namespace),
      },
    );
    if (typeof upstream !== "string") return upstream;
    metrics?.upstreamError(target.namespace, upstream);
    return replyResponse(failureReply(upstream, target.id));
  }
}
