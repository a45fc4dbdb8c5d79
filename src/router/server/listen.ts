// The router's own HTTP/1.1 listener on Bun.listen: the production path for plain requests, which it parses
// and relays itself (cheaper per request than Bun.serve's Request/Response objects, and byte-exact). Whatever
// it does not handle is handed to the Bun.serve adapter on a loopback port (see handOff.ts).
import type { TCPSocketListener } from "bun";
import { ClientConnection } from "./clientConnection";
import type { ListenerContext } from "./context";

export interface RouterListener {
  readonly hostname: string;
  readonly port: number;
  /** Connections with a request in progress on the router's side. */
  busyConnections(): number;
  /** Stops accepting and closes connections that sit idle between requests. */
  stopAccepting(): void;
  /** Cuts every remaining connection. */
  closeAll(): void;
}

export interface ListenLimits {
  /** A client must complete a request head within this long once it began one (nginx's client_header_timeout). */
  readonly headTimeoutMs: number;
  /** A kept-alive connection idle between requests for this long is closed (nginx's keepalive_timeout). */
  readonly idleTimeoutMs: number;
}

export function listenRouter(
  hostname: string,
  port: number,
  ctx: ListenerContext,
  limits: ListenLimits,
): RouterListener {
  const connections = new Set<ClientConnection>();
  // One sweep for every connection instead of a timer per head or idle spell.
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      const headOldest = now - limits.headTimeoutMs;
      const idleOldest = now - limits.idleTimeoutMs;
      for (const conn of connections) {
        if (conn.headTimedOut(headOldest) || conn.idleTimedOut(idleOldest)) conn.end();
      }
    },
    Math.min(5_000, Math.max(50, Math.min(limits.headTimeoutMs, limits.idleTimeoutMs) / 4)),
  );
  (sweeper as { unref?: () => void }).unref?.();
  const listener: TCPSocketListener<ClientConnection> = Bun.listen<ClientConnection>({
    hostname,
    port,
    data: undefined as unknown as ClientConnection,
    // A client's FIN is the end of its requests, not of the answers it is owed.
    allowHalfOpen: true,
    socket: {
      open(socket) {
        socket.setNoDelay(true);
        const conn = new ClientConnection(ctx, socket);
        socket.data = conn;
        connections.add(conn);
      },
      data(socket, chunk) {
        socket.data.data(chunk);
      },
      drain(socket) {
        socket.data.drain();
      },
      end(socket) {
        socket.data.inputEnded();
      },
      close(socket) {
        connections.delete(socket.data);
        socket.data.socketClosed();
      },
      error() {
        // Followed by close.
      },
    },
  });
  return {
    hostname: listener.hostname,
    port: listener.port,
    busyConnections() {
      let n = 0;
      for (const conn of connections) if (conn.busy) n++;
      return n;
    },
    stopAccepting() {
      clearInterval(sweeper);
      listener.stop(false);
      for (const conn of connections) if (!conn.busy && !conn.handedOff) conn.end();
    },
    closeAll() {
      clearInterval(sweeper);
      listener.stop(true);
      for (const conn of connections) conn.destroy();
    },
  };
}
