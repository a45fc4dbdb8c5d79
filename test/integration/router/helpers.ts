// Real servers for router tests: a Bun backend standing in for a sandbox runtime, a raw TCP backend that
// records request bytes exactly, raw-socket clients, and the router itself (in-process or as a child process).

import { setDefaultTimeout } from "bun:test";
import net from "node:net";
import type { Server, ServerWebSocket } from "bun";
import { type RouterHandle, type RouterOptions, startRouter } from "../../../src/router/index";
import { firstLine } from "../../support/process";

// Real servers on a shared 2-core machine: give every router test the project's 60 s budget (bun's default is 5 s).
setDefaultTimeout(60_000);

/** Backends bind inside the local pod range the test routers allow; 127.0.0.1 stays forbidden. */
export const POD_IP = "127.1.0.1";
export const POD_CIDR = "127.1.0.0/16";

export interface EchoRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  bodyBytes: number;
}

/** `burst`: the backend sends BURST_SIZE more messages right after its hello (/ws-burst). */
type WsData = { protocol: string | null; burst: boolean };
export const BURST_SIZE = 50;

/** Lets the /sse route send its next event: the test releases it only after receiving the previous one. */
const sseWaiters: (() => void)[] = [];
export function releaseSseEvent(): void {
  sseWaiters.shift()?.();
}

/** A sandbox stand-in. Routes: /echo (default), /slow?ms=, /sse, /bytes?n=, /status?code=, /ws*, /ws-burst. */
export function startBackend(hostname = POD_IP): Server<WsData> {
  return Bun.serve<WsData, never>({
    hostname,
    port: 0,
    idleTimeout: 0,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    async fetch(req, server) {
      const url = new URL(req.url);
      if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
        if (url.pathname === "/ws-reject") return new Response("no", { status: 403 });
        const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) => s.trim());
        const protocol = offered.includes("chat.v2") ? "chat.v2" : null;
        const ok = server.upgrade(req, {
          data: { protocol, burst: url.pathname === "/ws-burst" },
          ...(protocol ? { headers: { "Sec-WebSocket-Protocol": protocol } } : {}),
        });
        return ok ? undefined : new Response("upgrade failed", { status: 400 });
      }
      if (url.pathname === "/slow") {
        await Bun.sleep(Number(url.searchParams.get("ms") ?? "1000"));
        return new Response("slow done");
      }
      if (url.pathname === "/sse") {
        const stream = new ReadableStream({
          async pull(controller) {
            for (let i = 0; i < 3; i++) {
              controller.enqueue(new TextEncoder().encode(`data: event-${i}\n\n`));
              // The next event waits until the client has received this one through the router.
              if (i < 2) await new Promise<void>((resolve) => sseWaiters.push(resolve));
            }
            controller.close();
          },
        });
        return new Response(stream, { headers: { "content-type": "text/event-stream" } });
      }
      if (url.pathname === "/bytes") {
        let left = Number(url.searchParams.get("n") ?? "0");
        const chunk = new Uint8Array(1 << 20).fill(97);
        return new Response(
          new ReadableStream({
            pull(controller) {
              if (left <= 0) return controller.close();
              const n = Math.min(left, chunk.length);
              controller.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
              left -= n;
            },
          }),
        );
      }
      if (url.pathname === "/status") {
        const code = Number(url.searchParams.get("code") ?? "200");
        return new Response(null, {
          status: code,
          headers: { connection: "x-secret", "x-secret": "1", "x-kept": "1" },
        });
      }
      let bodyBytes = 0;
      if (req.body) for await (const chunk of req.body) bodyBytes += chunk.byteLength;
      const record: EchoRecord = {
        method: req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers),
        bodyBytes,
      };
      return Response.json(record);
    },
    websocket: {
      message(ws: ServerWebSocket<WsData>, message) {
        const text = typeof message === "string" ? message : new TextDecoder().decode(message);
        if (text.startsWith("close:")) {
          const code = Number(text.slice(6));
          ws.close(code, `backend closed ${code}`);
          return;
        }
        if (text.startsWith("big:")) {
          ws.send("x".repeat(Number(text.slice(4))));
          return;
        }
        ws.send(message);
      },
      open(ws) {
        ws.send(`hello protocol=${ws.data.protocol ?? ""}`);
        if (ws.data.burst) for (let i = 0; i < BURST_SIZE; i++) ws.send(`burst-${i}`);
      },
    },
  });
}

/** A TCP backend answering every request with its raw request line; records the full raw head. */
export async function startRawBackend(hostname = POD_IP) {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buf = "";
    socket.on("data", (d) => {
      buf += d.toString("latin1");
      let end = buf.indexOf("\r\n\r\n");
      while (end !== -1) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        heads.push(head);
        const line = head.split("\r\n")[0]!;
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(line, "latin1")}\r\n\r\n`,
        );
        socket.write(line, "latin1");
        end = buf.indexOf("\r\n\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, hostname, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    heads,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Sends raw bytes over a fresh TCP connection and returns everything until the server closes it. */
export function rawExchange(port: number, request: string, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => socket.write(request, "latin1"));
    let out = "";
    socket.on("data", (d) => {
      out += d.toString("latin1");
    });
    socket.on("end", () => resolve(out));
    socket.on("error", reject);
  });
}

export function routedHeaders(
  backendPort: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "x-sandbox-id": "sb-1",
    "x-sandbox-pod-ip": POD_IP,
    "x-sandbox-port": String(backendPort),
    ...extra,
  };
}

export function startTestRouter(overrides: Partial<RouterOptions> = {}): Promise<RouterHandle> {
  return startRouter({
    hostname: "127.0.0.1",
    port: 0,
    metricsPort: 0,
    auth: { mode: "none" },
    allowUnauthenticated: true,
    localPodCidrs: [POD_CIDR],
    retry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 20 },
    ...overrides,
  });
}

export interface RouterProcess {
  readonly url: string;
  readonly metricsUrl: string;
  readonly proc: ReturnType<typeof Bun.spawn>;
  /** Peak resident set size (VmHWM) in bytes. */
  peakRss(): number;
  rss(): number;
  stop(): Promise<void>;
}

function statusField(pid: number, field: string): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** The router CLI (src/router/main.ts) as a child process, unauthenticated, allowing the test pod range. */
export async function spawnRouter(
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<RouterProcess> {
  const proc = Bun.spawn(
    [
      process.execPath,
      "src/router/main.ts",
      "--http-bind-address",
      "127.0.0.1:0",
      "--metrics-bind-address",
      "127.0.0.1:0",
      "--local-pod-cidr",
      POD_CIDR,
      ...args,
    ],
    {
      cwd: `${import.meta.dir}/../../..`,
      env: { ...process.env, ALLOW_UNAUTHENTICATED_ROUTER: "true", ...env },
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const first = await firstLine(proc.stdout);
  if (first === undefined) throw new Error("router exited before listening");
  const line = JSON.parse(first) as { url: string; metricsUrl: string };
  return {
    url: line.url,
    metricsUrl: line.metricsUrl,
    proc,
    peakRss: () => statusField(proc.pid, "VmHWM"),
    rss: () => statusField(proc.pid, "VmRSS"),
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** One upstream connection of a scripted backend: every byte it received so far, in order. */
export interface ScriptedConnection {
  readonly socket: net.Socket;
  received: string;
}

/**
 * A TCP backend whose answers the test writes itself (exact framing, early replies, closing to end a body):
 * `onData` runs after each arrival with the connection's bytes so far.
 */
export async function startScriptedBackend(onData: (conn: ScriptedConnection) => void, hostname = POD_IP) {
  const connections: ScriptedConnection[] = [];
  const server = net.createServer((socket) => {
    const conn: ScriptedConnection = { socket, received: "" };
    connections.push(conn);
    socket.on("data", (d) => {
      conn.received += d.toString("latin1");
      onData(conn);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, hostname, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const conn of connections) conn.socket.destroy();
      }),
  };
}

/** A response as it came over the wire; `body` keeps its framing (chunk sizes and all). */
export interface WireResponse {
  readonly status: number;
  /** Lowercase names; repeated names joined with ", ". */
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** Length of a chunked body at the start of `text` (framing included), or -1 while it is incomplete. */
function chunkedLength(text: string): number {
  let pos = 0;
  for (;;) {
    const lineEnd = text.indexOf("\r\n", pos);
    if (lineEnd === -1) return -1;
    const size = Number.parseInt(text.slice(pos, lineEnd), 16);
    pos = lineEnd + 2;
    if (size === 0) {
      const end = text.indexOf("\r\n\r\n", pos - 2);
      return end === -1 ? -1 : end + 4;
    }
    pos += size + 2;
    if (pos > text.length) return -1;
  }
}

/**
 * Splits the bytes a client received (latin1) into complete responses; `ended` says the server closed, which
 * completes a body delimited by the close. `rest` is what does not form a complete response yet.
 */
export function splitResponses(text: string, ended = false): { responses: WireResponse[]; rest: string } {
  const responses: WireResponse[] = [];
  let rest = text;
  for (;;) {
    const headEnd = rest.indexOf("\r\n\r\n");
    if (headEnd === -1) return { responses, rest };
    const [statusLine, ...lines] = rest.slice(0, headEnd).split("\r\n");
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    const status = Number(statusLine!.split(" ")[1]);
    const after = rest.slice(headEnd + 4);
    let bodyLength: number;
    if (headers.get("transfer-encoding")?.toLowerCase() === "chunked") bodyLength = chunkedLength(after);
    else if (headers.has("content-length")) {
      bodyLength = Number(headers.get("content-length"));
      if (after.length < bodyLength) bodyLength = -1;
    } else if (status === 204 || status === 304 || (status >= 100 && status < 200)) bodyLength = 0;
    else bodyLength = ended ? after.length : -1;
    if (bodyLength === -1) return { responses, rest };
    responses.push({ status, headers, body: after.slice(0, bodyLength) });
    rest = after.slice(bodyLength);
  }
}

/** A raw TCP client (latin1 both ways) that waits for complete responses and notices the server closing. */
export class RawClient {
  received = "";
  ended = false;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (d) => {
      this.received += d.toString("latin1");
      this.wake();
    });
    socket.on("end", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  /** Connects to `port` on 127.0.0.1, from `localAddress` when given (another loopback address). */
  static connect(port: number, localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: "127.0.0.1", ...(localAddress ? { localAddress } : {}) });
      socket.once("connect", () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  write(bytes: string): void {
    this.socket.write(bytes, "latin1");
  }

  /** Stops reading (the kernel buffers fill and the server's writes back up) until `resume`. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Resolves once `n` complete responses arrived (or the server closed: then with what there is). */
  async responses(n: number): Promise<WireResponse[]> {
    await this.until((received) => splitResponses(received).responses.length >= n);
    return splitResponses(this.received, this.ended).responses;
  }

  /** Resolves once the server closed the connection. */
  closed(): Promise<void> {
    return this.until(() => false);
  }

  /** Resolves once `done` holds for the bytes received so far, or the server closed the connection. */
  async until(done: (received: string) => boolean): Promise<void> {
    while (!done(this.received) && !this.ended) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Half-closes: sends FIN, keeps reading. */
  endInput(): void {
    this.socket.end();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
