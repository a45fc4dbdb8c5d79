// The WebSocket proxy's contract, run against any adapter (Bun in websocket.test.ts, Deno in
// deno-websocket.test.ts): admission, close codes and reasons, subprotocol relay, limits.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { WebSocketLimits } from "../../../src/router/websocket";
import { BURST_SIZE, POD_IP, routedHeaders, startBackend } from "./helpers";

/** How a test router differs from the default one. */
export interface WebSocketRouterConfig {
  readonly websocket?: Partial<WebSocketLimits>;
  /** Static bearer token; no auth when absent. */
  readonly authToken?: string;
}

export interface StartedRouter {
  readonly url: string;
  stop(): Promise<void>;
}

export interface WebSocketContractTarget {
  /** Starts a router on the adapter under test. */
  readonly start: (config: WebSocketRouterConfig) => Promise<StartedRouter>;
}

interface Session {
  ws: WebSocket;
  next(): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(
  r: StartedRouter,
  headers: Record<string, string>,
  protocols?: string[],
  path = "/ws",
): Session {
  const ws = new WebSocket(`${r.url.replace("http", "ws")}${path}`, {
    headers,
    ...(protocols ? { protocols } : {}),
  } as unknown as string[]);
  const messages: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  ws.onmessage = (e) => {
    const m = String(e.data);
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
  });
  return {
    ws,
    closed,
    next: () => {
      const m = messages.shift();
      return m !== undefined ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Starts a router for one test and stops it afterwards. */
async function withRouter(
  t: WebSocketContractTarget,
  config: WebSocketRouterConfig,
  body: (router: StartedRouter) => Promise<void>,
): Promise<void> {
  const router = await t.start(config);
  try {
    await body(router);
  } finally {
    await router.stop();
  }
}

/** The contract's tests, with a Bun backend of their own (the pod the routers route to). */
export function websocketContract(t: WebSocketContractTarget): void {
  let pod: ReturnType<typeof startBackend>;
  let router: StartedRouter;
  let limited: StartedRouter;
  const backend = (extra: Record<string, string> = {}) => routedHeaders(pod.port!, extra);

  beforeAll(async () => {
    pod = startBackend();
    [router, limited] = await Promise.all([
      t.start({ websocket: { maxMessageBytes: 1024, maxConnectionsPerClient: 2 } }),
      t.start({ websocket: { idleTimeoutMs: 150, maxLifetimeMs: 0 } }),
    ]);
  });
  afterAll(async () => {
    await router?.stop();
    await limited?.stop();
    await pod?.stop(true);
  });

  test("echo both ways with the backend's chosen subprotocol relayed", async () => {
    const s = connect(router, backend(), ["chat.v1", "chat.v2"]);
    expect(await s.next()).toBe("hello protocol=chat.v2");
    expect(s.ws.protocol).toBe("chat.v2");
    s.ws.send("ping");
    expect(await s.next()).toBe("ping");
    s.ws.send(new Uint8Array([104, 105]));
    expect(await s.next()).toBe("hi");
    s.ws.close(1000, "bye");
    expect((await s.closed).code).toBe(1000);
  });

  test("what the backend sends the moment it opens arrives whole and in order", async () => {
    const s = connect(router, backend(), undefined, "/ws-burst");
    expect(await s.next()).toBe("hello protocol=");
    for (let i = 0; i < BURST_SIZE; i++) expect(await s.next()).toBe(`burst-${i}`);
    s.ws.close();
    await s.closed;
  });

  test("a backend close code reaches the client", async () => {
    const s = connect(router, backend());
    await s.next();
    s.ws.send("close:4001");
    expect(await s.closed).toEqual({ code: 4001, reason: "backend closed 4001" });
  });

  test("1008 for bad routing headers and for auth failures", async () => {
    const bad = connect(router, backend({ "x-sandbox-id": "BAD" }));
    expect(await bad.closed).toEqual({ code: 1008, reason: "Invalid sandbox ID format." });
    const ssrf = connect(router, backend({ "x-sandbox-pod-ip": "127.0.0.1" }));
    expect(await ssrf.closed).toEqual({ code: 1008, reason: "Invalid target IP address." });
    await withRouter(t, { authToken: "tok" }, async (authed) => {
      const denied = connect(authed, backend());
      expect(await denied.closed).toEqual({ code: 1008, reason: "Missing or invalid Authorization header." });
      const allowed = connect(authed, backend({ authorization: "Bearer tok" }));
      expect(await allowed.next()).toBe("hello protocol=");
      allowed.ws.close();
      await allowed.closed;
    });
  });

  test("1008 past the per-client connection limit", async () => {
    const a = connect(router, backend());
    const b = connect(router, backend());
    await a.next();
    await b.next();
    const c = connect(router, backend());
    expect(await c.closed).toEqual({
      code: 1008,
      reason: "Too many concurrent WebSocket connections (limit: 2).",
    });
    a.ws.close();
    b.ws.close();
    await Promise.all([a.closed, b.closed]);
  });

  test("1011 when the backend refuses the handshake or cannot be reached", async () => {
    const refused = connect(router, backend(), undefined, "/ws-reject");
    expect(await refused.closed).toEqual({ code: 1011, reason: "Backend WebSocket handshake failed." });
    const gone = Bun.serve({ hostname: POD_IP, port: 0, fetch: () => new Response("x") });
    const port = gone.port!;
    await gone.stop(true);
    const unreachable = connect(router, routedHeaders(port));
    expect(await unreachable.closed).toEqual({
      code: 1011,
      reason: "Could not connect to the backend sandbox: sb-1",
    });
  });

  test("1009 for a message over the limit, in either direction", async () => {
    const up = connect(router, backend());
    await up.next();
    up.ws.send("y".repeat(4096));
    expect((await up.closed).code).toBe(1009);
    const down = connect(router, backend());
    await down.next();
    down.ws.send("big:4096");
    expect(await down.closed).toEqual({ code: 1009, reason: "message too big" });
  });

  test("1001 after the idle timeout", async () => {
    const s = connect(limited, backend());
    await s.next();
    expect(await s.closed).toEqual({ code: 1001, reason: "idle timeout exceeded" });
  });

  test("1001 after the maximum lifetime, even while active", async () => {
    await withRouter(t, { websocket: { idleTimeoutMs: 0, maxLifetimeMs: 300 } }, async (short) => {
      const s = connect(short, backend());
      await s.next();
      const keepBusy = setInterval(() => s.ws.readyState === WebSocket.OPEN && s.ws.send("tick"), 20);
      const closed = await s.closed;
      clearInterval(keepBusy);
      expect(closed).toEqual({ code: 1001, reason: "max lifetime exceeded" });
    });
  });
}
