// Keep-alive connections to sandboxes, pooled per `host:port`, over Bun.connect. A connection is either idle
// in its pool or owned by exactly one exchange, which receives the socket's events through `listener`.
import type { Socket, SocketHandler } from "bun";
import { ScannedHead } from "../http1/responseScan";

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
  /** When it last went idle (ms since epoch); the pool's sweep closes it once it idled too long. */
  idleSince = 0;
  socket!: Socket<UpstreamConnection>;
  /** The head of the response it carries now, when the byte scan took it (one object for all its responses). */
  readonly scannedHead = new ScannedHead();

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

/**
 * Idle connections are closed by one periodic sweep rather than a socket timeout each: setting and clearing
 * a timeout on every take and release costs two native calls per request.
 */
export class UpstreamPool {
  /** Per `host:port`, oldest first; an emptied stack stays until the sweep, as its host is likely asked again. */
  private readonly idle = new Map<string, UpstreamConnection[]>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly limits: PoolLimits = DEFAULT_POOL_LIMITS) {}

  /** An idle connection to `hostPort`, most recently used first, or undefined. */
  take(hostPort: string): UpstreamConnection | undefined {
    const conn = this.idle.get(hostPort)?.pop();
    if (conn !== undefined) conn.idle = false;
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
    conn.idle = true;
    conn.idleSince = Date.now();
    stack.push(conn);
    if (this.sweeper === undefined) {
      const everyMs = Math.max(250, (this.limits.idleTimeoutSeconds * 1000) / 4);
      this.sweeper = setInterval(() => this.sweep(), everyMs);
      (this.sweeper as { unref?: () => void }).unref?.();
    }
  }

  /** Closes connections idle for longer than the limit; stops itself when nothing is left idle. */
  sweep(now = Date.now()): void {
    const oldest = now - this.limits.idleTimeoutSeconds * 1000;
    for (const [key, stack] of this.idle) {
      let expired = 0;
      while (expired < stack.length && stack[expired]!.idleSince <= oldest) expired++;
      for (const conn of stack.splice(0, expired)) {
        conn.idle = false;
        conn.destroy();
      }
      if (stack.length === 0) this.idle.delete(key);
    }
    if (this.idle.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Takes a connection the upstream closed out of its idle stack. */
  forget(conn: UpstreamConnection): void {
    conn.idle = false;
    const stack = this.idle.get(conn.key);
    if (stack === undefined) return;
    const at = stack.indexOf(conn);
    if (at !== -1) stack.splice(at, 1);
  }

  /** Closes every idle connection (shutdown). */
  closeIdle(): void {
    const stacks = [...this.idle.values()];
    this.idle.clear();
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const stack of stacks) for (const conn of stack) conn.destroy();
  }
}
