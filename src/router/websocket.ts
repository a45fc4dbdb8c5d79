// WebSocket proxying, runtime-neutral: the backend connection is opened first (so its chosen subprotocol can
// be relayed), then the runtime adapter (bun.ts, deno.ts) upgrades the client and drives the relay steps
// below with its socket as a `ClientSocket`. Close codes as upstream's Python router: 1008 auth/header/limit
// errors, 1011 backend connect or handshake failure, 1001 idle or lifetime expiry, 1009 message too big.
import type { Authenticator } from "./auth";
import { ErrorDetail } from "./errors";
import { rawPathAndQuery } from "./handler";
import { type PodIpPolicy, parseTarget, upstreamRequestHeaders } from "./headers";
import type { Resolver } from "./resolver";
import {
  type BackendSocket,
  type CloseInfo,
  messageSize,
  openBackend,
  sendableCode,
  type WebSocketMessage,
} from "./websocketBackend";

export interface WebSocketLimits {
  /** 0 disables. Upstream default 3600 s. */
  readonly idleTimeoutMs: number;
  /** 0 disables. Upstream default 86400 s. */
  readonly maxLifetimeMs: number;
  /** Upstream default 16 MiB. */
  readonly maxMessageBytes: number;
  /** Concurrent connections per client address; 0 disables. Upstream default 64. */
  readonly maxConnectionsPerClient: number;
}

export const DEFAULT_WEBSOCKET_LIMITS: WebSocketLimits = {
  idleTimeoutMs: 3_600_000,
  maxLifetimeMs: 86_400_000,
  maxMessageBytes: 16 * 1024 * 1024,
  maxConnectionsPerClient: 64,
};

/** One client connection's state, from admission on. */
export interface SocketData {
  /** Set when the upgrade is accepted only to deliver a close code. */
  readonly reject?: CloseInfo;
  readonly backend?: BackendSocket;
  /** The per-client slot this connection holds. */
  readonly clientKey?: string;
  readonly startedAt: number;
  lastActivity: number;
  closed: boolean;
}

/** The client side of a proxied connection, whichever runtime accepted it. */
export interface ClientSocket {
  readonly data: SocketData;
  send(message: WebSocketMessage): void;
  close(code: number, reason: string): void;
}

export interface WebSocketProxyOptions {
  readonly auth: Authenticator;
  readonly resolver: Resolver;
  readonly podIpPolicy: PodIpPolicy;
  readonly handshakeTimeoutMs: number;
  readonly limits: WebSocketLimits;
}

/** The runtime refused to upgrade (not a valid WebSocket handshake): the only case answered with plain HTTP. */
export const upgradeFailed = () => new Response("WebSocket upgrade failed", { status: 400 });

export class WebSocketProxy {
  private readonly perClient = new Map<string, number>();
  private readonly live = new Set<ClientSocket>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: WebSocketProxyOptions) {}

  get maxMessageBytes(): number {
    return this.options.limits.maxMessageBytes;
  }

  /**
   * Checks auth, routing headers and the per-client limit, then opens the backend connection. A refusal is
   * not an HTTP answer: the adapter upgrades anyway and `opened` delivers it as a close code.
   */
  async admit(req: Request, clientIp: string): Promise<SocketData> {
    const now = Date.now();
    const base = { startedAt: now, lastActivity: now, closed: false };
    const reject = (code: number, reason: string): SocketData => ({ ...base, reject: { code, reason } });

    const denied = await this.options.auth.authenticate(req.headers);
    if (denied !== undefined) return reject(1008, denied.detail);
    const target = parseTarget(req.headers, this.options.podIpPolicy);
    if (typeof target === "string") return reject(1008, target);

    const limit = this.options.limits.maxConnectionsPerClient;
    const count = this.perClient.get(clientIp) ?? 0;
    if (limit > 0 && count >= limit) return reject(1008, ErrorDetail.tooManyWebSockets(limit));
    this.perClient.set(clientIp, count + 1);

    const protocols = (req.headers.get("sec-websocket-protocol") ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const url = `ws://${this.options.resolver.resolve(target)}${rawPathAndQuery(req.url)}`;
    const headers = upstreamRequestHeaders(req.headers, { clientIp, proto: "http" }, true);
    const opened = await openBackend(url, headers, protocols, this.options.handshakeTimeoutMs, target.id);
    if (!opened.ok) {
      this.release(clientIp);
      return reject(1011, opened.reason);
    }
    return { ...base, backend: opened.backend, clientKey: clientIp };
  }

  /** The client upgrade failed after admission: closes the backend and frees the slot. */
  abandon(data: SocketData): void {
    data.backend?.close(1011, "");
    this.release(data.clientKey);
  }

  /** The client socket opened: delivers a refusal's close code, or starts relaying backend traffic. */
  opened(ws: ClientSocket): void {
    const { reject, backend } = ws.data;
    if (reject !== undefined) {
      ws.data.closed = true;
      ws.close(reject.code, reject.reason);
      return;
    }
    if (backend === undefined) return;
    this.live.add(ws);
    this.ensureSweeper();
    backend.deliver(
      (m) => {
        if (ws.data.closed) return;
        if (messageSize(m) > this.maxMessageBytes) {
          this.closeBoth(ws, 1009, "message too big");
          return;
        }
        ws.data.lastActivity = Date.now();
        ws.send(m);
      },
      ({ code, reason }) => {
        if (ws.data.closed) return;
        ws.data.closed = true;
        ws.close(sendableCode(code), reason);
      },
    );
  }

  /** A client message: relayed to the backend, or 1009 past the limit (for runtimes that do not enforce it). */
  received(ws: ClientSocket, message: string | ArrayBuffer | Uint8Array): void {
    const backend = ws.data.backend;
    if (backend === undefined || ws.data.closed) return;
    if (messageSize(message) > this.maxMessageBytes) {
      this.closeBoth(ws, 1009, "message too big");
      return;
    }
    ws.data.lastActivity = Date.now();
    backend.send(message);
  }

  /** The client side closed: frees its slot and passes the close on to the backend. */
  clientClosed(ws: ClientSocket, code: number, reason: string): void {
    this.live.delete(ws);
    this.release(ws.data.clientKey);
    if (ws.data.closed) return;
    ws.data.closed = true;
    ws.data.backend?.close(sendableCode(code), reason);
  }

  /** Closes every proxied connection (used when the router stops). */
  closeAll(code = 1001, reason = "router shutting down"): void {
    for (const ws of this.live) this.closeBoth(ws, code, reason);
  }

  private release(clientKey: string | undefined): void {
    if (clientKey === undefined) return;
    const n = (this.perClient.get(clientKey) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(clientKey);
    else this.perClient.set(clientKey, n);
  }

  private closeBoth(ws: ClientSocket, code: number, reason: string): void {
    if (ws.data.closed) return;
    ws.data.closed = true;
    ws.data.backend?.close(code, reason);
    ws.close(code, reason);
  }

  private ensureSweeper(): void {
    const { idleTimeoutMs, maxLifetimeMs } = this.options.limits;
    if (this.sweeper !== undefined || (idleTimeoutMs <= 0 && maxLifetimeMs <= 0)) return;
    const smallest = Math.min(...[idleTimeoutMs, maxLifetimeMs].filter((ms) => ms > 0));
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(1000, smallest / 4)));
  }

  private sweep(): void {
    const { idleTimeoutMs, maxLifetimeMs } = this.options.limits;
    const now = Date.now();
    for (const ws of this.live) {
      if (idleTimeoutMs > 0 && now - ws.data.lastActivity >= idleTimeoutMs) {
        this.closeBoth(ws, 1001, "idle timeout exceeded");
      } else if (maxLifetimeMs > 0 && now - ws.data.startedAt >= maxLifetimeMs) {
        this.closeBoth(ws, 1001, "max lifetime exceeded");
      }
    }
    if (this.live.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
