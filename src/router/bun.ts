// Bun.serve adapter (the production path): binds the web-standard handler and the WebSocket proxy.
import type { Server, WebSocketHandler } from "bun";
import type { RouterHandler } from "./handler";
import { type SocketData, upgradeFailed, type WebSocketProxy } from "./websocket";

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
        return upgradeOnBun(websockets, req, server, clientIp) as Promise<Response>;
      }
      return handler(req, clientIp);
    },
    websocket: bunWebSocketHandler(websockets),
  });
}

/** Admits the upgrade, then upgrades with the backend's subprotocol; a Response only when Bun cannot upgrade. */
async function upgradeOnBun(
  websockets: WebSocketProxy,
  req: Request,
  server: Server<SocketData>,
  clientIp: string,
): Promise<Response | undefined> {
  const data = await websockets.admit(req, clientIp);
  const protocol = data.backend?.protocol;
  const upgraded = server.upgrade(req, {
    data,
    ...(protocol ? { headers: { "Sec-WebSocket-Protocol": protocol } } : {}),
  });
  if (upgraded) return undefined;
  websockets.abandon(data);
  return upgradeFailed();
}

/** Bun's reason when it closes a client for a message over maxPayloadLength (with 1009). */
const BUN_TOO_BIG = "Received too big message";

function bunWebSocketHandler(websockets: WebSocketProxy): WebSocketHandler<SocketData> {
  return {
    // Bun enforces the message limit on client messages itself.
    maxPayloadLength: websockets.maxMessageBytes,
    open: (ws) => websockets.opened(ws),
    message: (ws, message) => websockets.received(ws, message),
    close: (ws, code, reason) =>
      reason === BUN_TOO_BIG
        ? websockets.clientClosed(ws, 1009, "message too big")
        : websockets.clientClosed(ws, code, reason),
  };
}
