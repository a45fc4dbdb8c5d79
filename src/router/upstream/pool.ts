// Keep-alive connections to sandboxes, pooled per `host:port`, over Bun.connect. A connection is either idle
// in its pool or owned by exactly one exchange, which receives the socket's events through `listener`.
import type { Socket, SocketHandler } from "bun";

/** What an exchange hears from the connection it owns. */
export interface ConnectionListener {
  data(chunk: Buffer): void;
  drain(): void;
  closed(): void;
}

export class UpstreamConnection {
  listener: ConnectionListener | undefined = undefined;
  /** It served a response before: the upstream may have closed it meanwhile (see StaleConnection). */
  reused = false;
  closed = false;
  /** Set while the connection waits in its pool, so a close from the upstream can take it out. */
  idle = false;
  socket!: Socket<UpstreamConnection>;

  constructor(
    readonly key: string,
    readonly pool: UpstreamPool,
  ) {}

  /** Drops the connection at once (RST where possible): the upstream sees the request aborted. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.terminate();
  }
}

const handlers: SocketHandler<UpstreamConnection> = {
  data(socket, chunk) {
    const conn = socket.data;
    // Bytes on an idle connection belong to no request: the connection's framing is lost.
    if (conn.listener === undefined) conn.destroy();
    else conn.listener.data(chunk);
  },
  drain(socket) {
    socket.data.listener?.drain();
  },
  close(socket) {
    const conn = socket.data;
    conn.closed = true;
    if (conn.idle) conn.pool.forget(conn);
    const listener = conn.listener;
    conn.listener = undefined;
    listener?.closed();
  },
  timeout(socket) {
    // Only idle connections have a timeout set.
    socket.data.destroy();
  },
  error() {
    // Followed by close, which is where the owner hears about it.
  },
};

/** Splits `host:port` (IPv6 bracketed) as the resolver builds it. */
export function splitHostPort(hostPort: string): { hostname: string; port: number } {
  const colon = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, colon);
  const hostname = host.startsWith("[") ? host.slice(1, -1) : host;
  return { hostname, port: Number(hostPort.slice(colon + 1)) };
}

export interface PoolLimits {
  /** Idle connections kept per upstream; nginx's `keepalive` in the benchmark is 256. */
  readonly maxIdlePerHost: number;
  /** Idle connections are closed after this long (sandbox servers usually close theirs sooner). */
  readonly idleTimeoutSeconds: number;
}

export const DEFAULT_POOL_LIMITS: PoolLimits = { maxIdlePerHost: 256, idleTimeoutSeconds: 30 };

export class UpstreamPool {
  private readonly idle = new Map<string, UpstreamConnection[]>();

  constructor(private readonly limits: PoolLimits = DEFAULT_POOL_LIMITS) {}

  /** An idle connection to `hostPort`, most recently used first, or undefined. */
  take(hostPort: string): UpstreamConnection | undefined {
    const stack = this.idle.get(hostPort);
    if (stack === undefined) return undefined;
    const conn = stack.pop();
    if (stack.length === 0) this.idle.delete(hostPort);
    if (conn !== undefined) {
      conn.idle = false;
      conn.socket.timeout(0);
    }
    return conn;
  }

  /** Opens a new connection; rejects with the dial error (its `code` says refused, unreachable, DNS). */
  async dial(hostPort: string): Promise<UpstreamConnection> {
    const conn = new UpstreamConnection(hostPort, this);
    const { hostname, port } = splitHostPort(hostPort);
    conn.socket = await Bun.connect<UpstreamConnection>({ hostname, port, data: conn, socket: handlers });
    conn.socket.setNoDelay(true);
    return conn;
  }

  /** Returns a connection whose exchange ended cleanly; it is closed instead when the pool is full. */
  release(conn: UpstreamConnection): void {
    conn.listener = undefined;
    if (conn.closed) return;
    conn.reused = true;
    let stack = this.idle.get(conn.key);
    if (stack === undefined) {
      stack = [];
      this.idle.set(conn.key, stack);
    }
    if (stack.length >= this.limits.maxIdlePerHost) {
      conn.closed = true;
      conn.socket.end();
      return;
    }
    conn.socket.timeout(this.limits.idleTimeoutSeconds);
    conn.idle = true;
    stack.push(conn);
  }

  /** Takes a connection the upstream closed out of its idle stack. */
  forget(conn: UpstreamConnection): void {
    conn.idle = false;
    const stack = this.idle.get(conn.key);
    if (stack === undefined) return;
    const at = stack.indexOf(conn);
    if (at !== -1) stack.splice(at, 1);
    if (stack.length === 0) this.idle.delete(conn.key);
  }

  /** Closes every idle connection (shutdown). */
  closeIdle(): void {
    const stacks = [...this.idle.values()];
    this.idle.clear();
    for (const stack of stacks) for (const conn of stack) conn.destroy();
  }
}
