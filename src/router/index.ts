// startRouter: composes handler, resolver, auth, metrics and the Bun servers, with graceful drain.
import type { Server } from "bun";
import { Effect } from "effect";
import { makeAccessLog } from "./accessLog";
import { type Authenticator, noAuth, staticTokenAuth, tokenReviewAuth } from "./auth";
import { serveBun } from "./bun";
import { DEFAULT_RETRY, type RetryPolicy } from "./forward";
import { makeHandler } from "./handler";
import { type Cidr, parseCidr } from "./ip";
import { RouterMetrics } from "./metrics";
import { makeResolver } from "./resolver";
import { makeObserver, makeRouting } from "./routing";
import { SandboxIndex } from "./sandboxIndex";
import type { ListenerContext } from "./server/context";
import { listenRouter } from "./server/listen";
import type { TokenReviewClient } from "./tokenReview";
import { UpstreamPool } from "./upstream/pool";
import { socketForwarder } from "./upstream/socketForwarder";
import { DEFAULT_WEBSOCKET_LIMITS, type WebSocketLimits, WebSocketProxy } from "./websocket";

export type AuthOptions =
  | { readonly mode: "none" }
  | { readonly mode: "static"; readonly token: string }
  | {
      readonly mode: "tokenreview";
      readonly client: TokenReviewClient;
      readonly ttlMs?: number;
      readonly cacheSize?: number;
    };

export interface RouterOptions {
  /** Proxy listener; default 0.0.0.0:8080. Port 0 picks a free port. */
  readonly hostname?: string;
  readonly port?: number;
  /** Metrics and probe listener (/metrics, /healthz, /readyz); default same host, 9090. `null` disables it. */
  readonly metricsPort?: number | null;
  readonly clusterDomain?: string;
  readonly proxyTimeoutSeconds?: number;
  /** Loopback pod ranges X-Sandbox-Pod-IP may target (local mode, e.g. 127.1.0.0/16). Empty in a cluster. */
  readonly localPodCidrs?: readonly string[];
  readonly auth: AuthOptions;
  /** Must be true for auth mode "none" (ALLOW_UNAUTHENTICATED_ROUTER=true), as upstream requires. */
  readonly allowUnauthenticated?: boolean;
  /** Resolution index; a fresh, already-synced one when absent (nothing feeds it). */
  readonly index?: SandboxIndex;
  readonly retry?: Partial<RetryPolicy>;
  readonly websocket?: Partial<WebSocketLimits>;
  /** Fraction of requests written to the access log; 0 (default) turns it off. */
  readonly accessLogSampleRate?: number;
  /** A client that began a request head must finish it within this long, or its connection closes; default 60 s. */
  readonly clientHeaderTimeoutSeconds?: number;
  /** A kept-alive client connection idle between requests for this long is closed; default 75 s (nginx's). */
  readonly clientIdleTimeoutSeconds?: number;
  /** Bound on finishing in-flight requests when stopping; default 30 s. */
  readonly drainTimeoutMs?: number;
  readonly version?: string;
}

export interface RouterHandle {
  readonly url: string;
  readonly metricsUrl: string | undefined;
  readonly index: SandboxIndex;
  readonly metrics: RouterMetrics;
  /** /readyz turns 503, the listener stops accepting, in-flight requests get up to drainTimeoutMs, then stop. */
  stop(): Promise<void>;
}

export class RouterConfigError extends Error {
  override readonly name = "RouterConfigError";
}

function makeAuth(options: RouterOptions): Authenticator {
  const auth = options.auth;
  if (auth.mode === "none") {
    if (options.allowUnauthenticated !== true) {
      throw new RouterConfigError(
        "ROUTER_AUTH_TOKEN or --authz-mode=tokenreview must be set to start the sandbox router securely; " +
          "set ALLOW_UNAUTHENTICATED_ROUTER=true to run without authentication explicitly.",
      );
    }
    return noAuth;
  }
  if (auth.mode === "static") {
    if (auth.token.trim() === "") throw new RouterConfigError("ROUTER_AUTH_TOKEN must not be empty");
    return staticTokenAuth(auth.token.trim());
  }
  return tokenReviewAuth({
    client: auth.client,
    ...(auth.ttlMs !== undefined ? { ttlMs: auth.ttlMs } : {}),
    ...(auth.cacheSize !== undefined ? { cacheSize: auth.cacheSize } : {}),
  });
}

function parseCidrs(raw: readonly string[]): Cidr[] {
  return raw.map((s) => {
    const cidr = parseCidr(s.trim());
    if (cidr === undefined) throw new RouterConfigError(`invalid pod CIDR: ${JSON.stringify(s)}`);
    return cidr;
  });
}

export async function startRouter(options: RouterOptions): Promise<RouterHandle> {
  const proxyTimeoutSeconds = options.proxyTimeoutSeconds ?? 180;
  if (!(proxyTimeoutSeconds > 0) || !Number.isFinite(proxyTimeoutSeconds)) {
    throw new RouterConfigError(
      `proxy timeout must be a positive number of seconds, got ${proxyTimeoutSeconds}`,
    );
  }
  const auth = makeAuth(options);
  const podIpPolicy = { allowedCidrs: parseCidrs(options.localPodCidrs ?? []) };
  const index = options.index ?? new SandboxIndex();
  if (options.index === undefined) index.markSynced();
  const metrics = new RouterMetrics(options.version);
  const resolver = makeResolver({ index, clusterDomain: options.clusterDomain ?? "cluster.local" });
  let draining = false;
  const ready = () => index.isSynced && !draining;
  const proxyTimeoutMs = proxyTimeoutSeconds * 1000;
  const upstreams = new UpstreamPool();
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const accessLog = makeAccessLog({ sampleRate: options.accessLogSampleRate ?? 0 });
  const handler = makeHandler({ proxyTimeoutMs, podIpPolicy, retry }, resolver, {
    auth,
    metrics,
    accessLog,
    ready,
    forwarder: socketForwarder(upstreams),
  });
  const websockets = new WebSocketProxy({
    auth,
    resolver,
    podIpPolicy,
    handshakeTimeoutMs: proxyTimeoutMs,
    limits: { ...DEFAULT_WEBSOCKET_LIMITS, ...options.websocket },
  });
  const hostname = options.hostname ?? "0.0.0.0";
  // Bun.serve takes what the router's own listener hands off to it, on loopback only.
  const handOffClients = new Map<number, string>();
  const server = serveBun({
    hostname: "127.0.0.1",
    port: 0,
    handler,
    websockets,
    clientIpOf: (peer) => (peer === null ? "unknown" : (handOffClients.get(peer.port) ?? peer.address)),
  });
  const context: ListenerContext = {
    route: makeRouting({ proxyTimeoutMs, podIpPolicy }, resolver, { auth, metrics, ready }),
    observer: makeObserver(metrics, accessLog),
    pool: upstreams,
    retry,
    metrics,
    proto: "http",
    handOffPort: server.port!,
    handOffClients,
    draining: false,
  };
  const listener = listenRouter(hostname, options.port ?? 8080, context, {
    headTimeoutMs: (options.clientHeaderTimeoutSeconds ?? 60) * 1000,
    idleTimeoutMs: (options.clientIdleTimeoutSeconds ?? 75) * 1000,
  });
  const metricsServer =
    options.metricsPort === null
      ? undefined
      : serveOps(hostname, options.metricsPort ?? 9090, metrics, ready);
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  let stopped: Promise<void> | undefined;

  return {
    url: urlOf(listener),
    metricsUrl: metricsServer === undefined ? undefined : urlOf(metricsServer),
    index,
    metrics,
    stop() {
      stopped ??= (async () => {
        draining = true;
        context.draining = true;
        // Stop accepting; in-flight requests get until the deadline, idle keep-alive connections are then cut.
        listener.stopAccepting();
        void server.stop(false);
        const deadline = Date.now() + drainTimeoutMs;
        const inFlight = () => listener.busyConnections() + server.pendingRequests;
        while (inFlight() > 0 && Date.now() < deadline) await Bun.sleep(20);
        websockets.closeAll();
        await server.stop(true);
        listener.closeAll();
        upstreams.closeIdle();
        await metricsServer?.stop(true);
      })();
      return stopped;
    },
  };
}

/** The router as a scoped resource: started on acquire, drained and stopped when the scope closes. */
export const routerScoped = (options: RouterOptions) =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => startRouter(options), catch: (e) => e as Error }),
    (handle) => Effect.promise(() => handle.stop()),
  );

function urlOf(server: {
  readonly hostname?: string | undefined;
  readonly port?: number | undefined;
}): string {
  const host = server.hostname === "0.0.0.0" || server.hostname === undefined ? "127.0.0.1" : server.hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
}

function serveOps(
  hostname: string,
  port: number,
  metrics: RouterMetrics,
  ready: () => boolean,
): Server<undefined> {
  return Bun.serve({
    hostname,
    port,
    development: false,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/metrics") {
        return new Response(metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4" } });
      }
      if (path === "/healthz") return Response.json({ status: "ok" });
      if (path === "/readyz")
        return ready() ? new Response("ok") : new Response("not ready", { status: 503 });
      return new Response("not found", { status: 404 });
    },
  });
}

export { makeHandler } from "./handler";
export {
  feedSandboxIndex,
  feedSandboxIndexFrom,
  type IndexInformers,
  kubeTokenReviewClient,
} from "./kubeFeed";
export { makeResolver } from "./resolver";
export { SandboxIndex } from "./sandboxIndex";
export type { TokenReviewClient } from "./tokenReview";
export { httpTokenReviewClient } from "./tokenReview";
