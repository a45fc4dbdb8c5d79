// Bun.serve adapter (the production path): binds the web-standard handler and the WebSocket proxy.
import type { Server } from "bun";
import type { RouterHandler } from "./handler";
import type { SocketData, WebSocketProxy } from "./websocket";

export interface BunServeOptions {
  readonly hostname: string;
  readonly port: number;
  readonly handler: RouterHandler;
  readonly websockets: WebSocketProxy;
  /** The client's address for a request; the peer's address when absent. */
  readonly clientIpOf?: (peer: { address: string; port: number } | null) => string;
}

export function serveBun(options: BunServeOptions): Server<SocketData> {
  const { handler, websockets } = options;
  const clientIpOf = options.clientIpOf ?? ((peer) => peer?.address ?? "unknown");
  return Bun.serve<SocketData, never>({
    hostname: options.hostname,
    port: options.port,
    development: false,
    // Bodies stream through; the default 128 MiB cap would reject large uploads that never sit in memory.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    // Long /execute calls send nothing until they finish; the proxy timeout governs them, not the socket.
    idleTimeout: 0,
    fetch(req, server) {
      const clientIp = clientIpOf(server.requestIP(req));
      const upgrade = req.headers.get("upgrade");
      if (upgrade !== null && upgrade.toLowerCase() === "websocket") {
        return websockets.upgrade(req, server, clientIp) as Promise<Response>;
      }
      return handler(req, clientIp);
    },
    websocket: websockets.handler(),
  });
}
