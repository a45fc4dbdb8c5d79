// Deno.serve adapter: the same web-standard handler and WebSocket proxy on Deno.
import type { RouterHandler } from "./handler";
import { type ClientSocket, upgradeFailed, type WebSocketProxy } from "./websocket";

interface DenoServeInfo {
  readonly remoteAddr: { readonly hostname: string };
}
interface DenoHttpServer {
  readonly addr: { readonly hostname: string; readonly port: number };
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}
interface DenoGlobal {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (req: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoHttpServer;
  upgradeWebSocket(req: Request, options?: { protocol?: string }): { socket: WebSocket; response: Response };
}

export interface DenoServeOptions {
  readonly hostname: string;
  readonly port: number;
  readonly handler: RouterHandler;
  readonly websockets: WebSocketProxy;
}

export function serveDeno(options: DenoServeOptions): DenoHttpServer {
  const deno = (globalThis as unknown as { Deno?: DenoGlobal }).Deno;
  if (deno === undefined) throw new Error("serveDeno needs the Deno runtime");
  const { handler, websockets } = options;
  return deno.serve({ hostname: options.hostname, port: options.port, onListen: () => {} }, (req, info) => {
    const clientIp = info.remoteAddr.hostname;
    const upgrade = req.headers.get("upgrade");
    if (upgrade !== null && upgrade.toLowerCase() === "websocket") {
      return upgradeOnDeno(deno, websockets, req, clientIp);
    }
    return handler(req, clientIp);
  });
}

/** Admits the upgrade, then upgrades with the backend's subprotocol and relays through the proxy's steps. */
async function upgradeOnDeno(
  deno: DenoGlobal,
  websockets: WebSocketProxy,
  req: Request,
  clientIp: string,
): Promise<Response> {
  const data = await websockets.admit(req, clientIp);
  const protocol = data.backend?.protocol;
  let upgraded: { socket: WebSocket; response: Response };
  try {
    upgraded = deno.upgradeWebSocket(req, protocol ? { protocol } : {});
  } catch {
    websockets.abandon(data);
    return upgradeFailed();
  }
  const { socket, response } = upgraded;
  socket.binaryType = "arraybuffer";
  const client: ClientSocket = {
    data,
    send: (m) => socket.send(m),
    close: (code, reason) => closeAndDrain(socket, code, reason),
  };
  // A close code (a refusal's included) can only be sent once the socket is open: `opened` waits for it.
  socket.onopen = () => websockets.opened(client);
  socket.onmessage = (e) => websockets.received(client, e.data as string | ArrayBuffer);
  socket.onclose = (e) => websockets.clientClosed(client, e.code, e.reason);
  return response;
}

/** How long a closing client may keep sending before it is cut off without an answer to the close. */
const CLOSE_DRAIN_MS = 5_000;
/** Values of Deno's private WebSocket role. */
const DENO_SERVER_ROLE = 0;
const DENO_CLIENT_ROLE = 1;

/**
 * Closes with a code the client reliably receives. Deno's server socket, once closing, drops the connection
 * on the next data frame from the client, and that frame can arrive before the close frame (written by a
 * deferred op) is out: the client then sees 1006 instead of the code. For a while after close() the socket
 * takes the client role's path in Deno's event loop, which keeps reading (and ignoring) data until the
 * client's close frame, as RFC 6455 wants. This touches Deno's private state; a Deno without it keeps the race.
 */
function closeAndDrain(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  const role = Object.getOwnPropertySymbols(socket).find((s) => s.description === "[[role]]");
  const state = socket as unknown as Record<symbol, number>;
  if (role === undefined || state[role] !== DENO_SERVER_ROLE) return;
  state[role] = DENO_CLIENT_ROLE;
  const drained = setTimeout(() => {
    state[role] = DENO_SERVER_ROLE;
  }, CLOSE_DRAIN_MS);
  socket.addEventListener("close", () => clearTimeout(drained), { once: true });
}
