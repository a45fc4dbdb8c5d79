// WebSocket proxying on Bun: the backend connection is opened first (so its chosen subprotocol can be
// relayed), then the client is upgraded and messages are relayed both ways. Close codes as upstream's
// Python router: 1008 auth/header/limit errors, 1011 backend connect or handshake failure, 1001 idle or
// lifetime expiry, 1009 message too big.
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { Authenticator } from "./auth";
import { ErrorDetail } from "./errors";
import { rawPathAndQuery } from "./handler";
import { type PodIpPolicy, parseTarget, upstreamRequestHeaders } from "./headers";
import type { Resolver } from "./resolver";

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

export interface SocketData {
  /** Set when the upgrade is accepted only to deliver a close code. */
  readonly reject?: { readonly code: number; readonly reason: string };
  readonly backend?: WebSocket;
  readonly clientKey?: string;
  /** Backend messages that arrived before the client socket opened. */
  pending?: (string | ArrayBuffer)[] | undefined;
  /** A backend close that happened before the client socket opened. */
  backendClosed?: { readonly code: number; readonly reason: string } | undefined;
  startedAt: number;
  lastActivity: number;
  closed: boolean;
}

export interface WebSocketProxyOptions {
  readonly auth: Authenticator;
  readonly resolver: Resolver;
  readonly podIpPolicy: PodIpPolicy;
  readonly handshakeTimeoutMs: number;
  readonly limits: WebSocketLimits;
}

/** Close codes a peer may legitimately send on; the reserved ones (1005, 1006, 1015) map to 1000. */
function sendableCode(code: number | undefined): number {
  if (code === undefined || code === 1005 || code === 1006 || code === 1015) return 1000;
  return code;
}

function messageSize(m: string | ArrayBuffer | Uint8Array | Blob): number {
  if (typeof m === "string") return Buffer.byteLength(m);
  if (m instanceof Blob) return m.size;
  return m.byteLength;
}

type BackendResult =
  | { readonly ok: true; readonly ws: WebSocket }
  | { readonly ok: false; readonly reason: string };

function openBackend(
  url: string,
  headers: Record<string, string>,
  protocols: string[],
  timeoutMs: number,
  id: string,
) {
  return new Promise<BackendResult>((resolve) => {
    const init: { headers: Record<string, string>; protocols?: string[] } = { headers };
    if (protocols.length > 0) init.protocols = protocols;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, init as unknown as string[]);
    } catch {
      resolve({ ok: false, reason: ErrorDetail.connectFailed(id) });
      return;
    }
    ws.binaryType = "arraybuffer";
    const timer = setTimeout(() => {
      ws.close();
      resolve({ ok: false, reason: ErrorDetail.connectFailed(id) });
    }, timeoutMs);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve({ ok: true, ws });
    };
    ws.onerror = (event) => {
      clearTimeout(timer);
      // Bun reports a non-101 answer as "Expected 101 status code"; anything else never reached a handshake.
      const message = (event as ErrorEvent).message ?? "";
      resolve({
        ok: false,
        reason: message.includes("Expected 101")
          ? ErrorDetail.handshakeFailed
          : ErrorDetail.connectFailed(id),
      });
    };
  });
}

/** Bun refused to upgrade (not a valid WebSocket handshake): the only case answered with plain HTTP. */
const upgradeFailed = () => new Response("WebSocket upgrade failed", { status: 400 });

export class WebSocketProxy {
  private readonly perClient = new Map<string, number>();
  private readonly live = new Set<ServerWebSocket<SocketData>>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: WebSocketProxyOptions) {}

  get connections(): number {
    return this.live.size;
  }

  /** Handles an upgrade request: returns a Response only when the upgrade itself could not happen. */
  async upgrade(req: Request, server: Server<SocketData>, clientIp: string): Promise<Response | undefined> {
    const now = Date.now();
    const base = { startedAt: now, lastActivity: now, closed: false };
    const reject = (code: number, reason: string) =>
      this.accept(req, server, { ...base, reject: { code, reason } });

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
    const backend = await openBackend(url, headers, protocols, this.options.handshakeTimeoutMs, target.id);
    if (!backend.ok) {
      this.release(clientIp);
      return reject(1011, backend.reason);
    }
    const data: SocketData = { ...base, backend: backend.ws, clientKey: clientIp, pending: [] };
    // Until the client socket opens, backend traffic is queued and a backend close is remembered.
    backend.ws.onmessage = (e) => data.pending?.push(e.data as string | ArrayBuffer);
    backend.ws.onclose = (e) => {
      data.backendClosed = { code: e.code, reason: e.reason };
    };
    const selected = backend.ws.protocol;
    const upgraded = server.upgrade(req, {
      data,
      ...(selected ? { headers: { "Sec-WebSocket-Protocol": selected } } : {}),
    });
    if (upgraded) return undefined;
    backend.ws.close(1011);
    this.release(clientIp);
    return upgradeFailed();
  }

  private accept(req: Request, server: Server<SocketData>, data: SocketData): Response | undefined {
    return server.upgrade(req, { data }) ? undefined : upgradeFailed();
  }

  private release(clientKey: string | undefined): void {
    if (clientKey === undefined) return;
    const n = (this.perClient.get(clientKey) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(clientKey);
    else this.perClient.set(clientKey, n);
  }

  private closeBoth(ws: ServerWebSocket<SocketData>, code: number, reason: string): void {
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

  /** Closes every proxied connection (used when the router stops). */
  closeAll(code = 1001, reason = "router shutting down"): void {
    for (const ws of this.live) this.closeBoth(ws, code, reason);
  }

  /** The `websocket` option for Bun.serve. */
  handler(): WebSocketHandler<SocketData> {
    const max = this.options.limits.maxMessageBytes;
    return {
      maxPayloadLength: max,
      open: (ws) => {
        const { reject, backend } = ws.data;
        if (reject !== undefined) {
          ws.data.closed = true;
          ws.close(reject.code, reject.reason);
          return;
        }
        if (backend === undefined) return;
        this.live.add(ws);
        this.ensureSweeper();
        const relay = (m: string | ArrayBuffer) => {
          if (ws.data.closed) return;
          if (messageSize(m) > max) {
            this.closeBoth(ws, 1009, "message too big");
            return;
          }
          ws.data.lastActivity = Date.now();
          ws.send(m);
        };
        for (const m of ws.data.pending ?? []) relay(m);
        ws.data.pending = undefined;
        backend.onmessage = (e) => relay(e.data as string | ArrayBuffer);
        backend.onclose = (e) => {
          if (ws.data.closed) return;
          ws.data.closed = true;
          ws.close(sendableCode(e.code), e.reason);
        };
        const early = ws.data.backendClosed;
        if (early !== undefined) {
          ws.data.closed = true;
          ws.close(sendableCode(early.code), early.reason);
        }
      },
      message: (ws, message) => {
        const backend = ws.data.backend;
        if (backend === undefined || ws.data.closed) return;
        ws.data.lastActivity = Date.now();
        backend.send(message);
      },
      close: (ws, code, reason) => {
        this.live.delete(ws);
        this.release(ws.data.clientKey);
        if (ws.data.closed) return;
        ws.data.closed = true;
        // Bun closes an oversized client message itself; the backend learns why with 1009.
        if (reason === "Received too big message") ws.data.backend?.close(1009, "message too big");
        else ws.data.backend?.close(sendableCode(code), reason);
      },
    };
  }
}
