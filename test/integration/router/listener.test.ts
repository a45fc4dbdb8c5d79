// The router's own HTTP/1.1 listener over raw sockets: keep-alive and pipelining, byte-exact targets and body
// framing both ways, the hand-off to Bun.serve (and the client address it keeps), and how connections end.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RouterHandle } from "../../../src/router/index";
import {
  type EchoRecord,
  RawClient,
  routedHeaders,
  type ScriptedConnection,
  splitResponses,
  startBackend,
  startRawBackend,
  startScriptedBackend,
  startTestRouter,
} from "./helpers";

/** A loopback source address other than the router's own, so the client's address can be told apart. */
const CLIENT_IP = "127.0.0.5";

let router: RouterHandle;
let raw: Awaited<ReturnType<typeof startRawBackend>>;
let routerPort: number;

beforeAll(async () => {
  raw = await startRawBackend();
  router = await startTestRouter({ proxyTimeoutSeconds: 30 });
  routerPort = Number(new URL(router.url).port);
});
afterAll(async () => {
  await router.stop();
  await raw.stop();
});

/**
 * Response bytes the router may produce for a client that reads nothing: kernel buffers (the client's receive
 * buffer does not grow while it is not read; the router's send buffer may reach tcp_wmem's 4 MiB) plus the
 * answers to one read's worth of requests.
 */
const MAX_UNREAD_OUTPUT = 24 * 1024 * 1024;

/** How many requests the router answered with `status` so far (its metrics). */
function requestsWithStatus(status: number): number {
  let total = 0;
  for (const line of router.metrics.render().split("\n")) {
    if (line.startsWith("sandbox_router_requests_total{") && line.includes(`code="${status}"`)) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

/** A request head with the routing headers for the backend on `port`. */
function head(
  method: string,
  target: string,
  port: number,
  extra: Record<string, string> = {},
  version = "HTTP/1.1",
): string {
  const fields = { host: "router.test", ...routedHeaders(port), ...extra };
  return `${method} ${target} ${version}\r\n${Object.entries(fields)
    .map(([n, v]) => `${n}: ${v}\r\n`)
    .join("")}\r\n`;
}

/** Heads the raw backend recorded for `target`, in arrival order. */
function headsFor(target: string): string[] {
  return raw.heads.filter((h) => h.startsWith(`GET ${target} `) || h.startsWith(`POST ${target} `));
}

function fieldOf(rawHead: string, name: string): string | undefined {
  const line = rawHead.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

/** Answers the first request head on each connection with `response`, once. */
function answerOnce(response: string, endAfter = false) {
  const answered = new WeakSet<ScriptedConnection>();
  return (conn: ScriptedConnection) => {
    if (answered.has(conn) || !conn.received.includes("\r\n\r\n")) return;
    answered.add(conn);
    conn.socket.write(response, "latin1");
    if (endAfter) conn.socket.end();
  };
}

/**
 * Sends two requests in one write (built for an echo sandbox's port) on a fresh connection and returns what
 * the sandbox saw of each: method, path and body length.
 */
async function echoedInOneWrite(bytes: (port: number) => string): Promise<[string, string, number][]> {
  const echo = startBackend();
  try {
    const client = await RawClient.connect(routerPort);
    client.write(bytes(echo.port!));
    const records = (await client.responses(2)).map((r) => JSON.parse(r.body) as EchoRecord);
    client.destroy();
    return records.map((r) => [r.method, r.path, r.bodyBytes]);
  } finally {
    await echo.stop(true);
  }
}

/**
 * A request the router answers itself, with the length of its answer: without routing headers it gets a 400
 * of the same length every time (the Date header's format has a fixed length).
 */
async function routerRejected(): Promise<{ request: string; one: number }> {
  const request = "GET / HTTP/1.1\r\nHost: r\r\n\r\n";
  const probe = await RawClient.connect(routerPort);
  probe.write(request);
  await probe.responses(1);
  const one = probe.received.length;
  probe.destroy();
  return { request, one };
}

describe("keep-alive and pipelining", () => {
  test("pipelined GETs in one write are answered in order on one connection", async () => {
    const client = await RawClient.connect(routerPort);
    const targets = ["/pipe/1", "/pipe/2?q=2", "/pipe/3", "/pipe/4"];
    client.write(targets.map((t) => head("GET", t, raw.port)).join(""));
    const responses = await client.responses(targets.length);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(responses.map((r) => r.body)).toEqual(targets.map((t) => `GET ${t} HTTP/1.1`));
    expect(client.ended).toBe(false);
    client.destroy();
  });

  test("a request with a body and the next request in one write: the body ends where its length says", async () => {
    const records = await echoedInOneWrite(
      (port) =>
        `${head("POST", "/with-body", port, { "content-length": "11" })}hello world${head("GET", "/after-body", port)}`,
    );
    expect(records).toEqual([
      ["POST", "/with-body", 11],
      ["GET", "/after-body", 0],
    ]);
  });

  test("a chunked body and the next request in one write: the body ends at its last chunk", async () => {
    const records = await echoedInOneWrite(
      (port) =>
        `${head("POST", "/chunked-then", port, { "transfer-encoding": "chunked" })}3\r\nabc\r\n0\r\n\r\n` +
        head("GET", "/after-chunked", port),
    );
    expect(records).toEqual([
      ["POST", "/chunked-then", 3],
      ["GET", "/after-chunked", 0],
    ]);
  });

  test("a WebSocket upgrade after a plain request on the same connection is handed off and switches", async () => {
    const echo = startBackend();
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", "/before-upgrade", echo.port!));
      await client.responses(1);
      client.write(
        head("GET", "/ws", echo.port!, {
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-version": "13",
          "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        }),
      );
      await client.until((received) => received.includes("HTTP/1.1 101"));
      expect(client.received).toContain("HTTP/1.1 101");
      client.destroy();
    } finally {
      await echo.stop(true);
    }
  });

  test("a plain request followed by an HTTP/1.0 one in one write: the second is handed off after the first", async () => {
    const client = await RawClient.connect(routerPort);
    client.write(
      head("GET", "/before-handoff", raw.port) + head("GET", "/handed-off", raw.port, {}, "HTTP/1.0"),
    );
    const responses = await client.responses(2);
    expect(responses.map((r) => r.body)).toEqual([
      "GET /before-handoff HTTP/1.1",
      "GET /handed-off HTTP/1.1",
    ]);
    client.destroy();
  });

  test("HEAD gets the head alone (its Content-Length is not waited for) and the next request follows", async () => {
    const answered = new WeakMap<ScriptedConnection, number>();
    const backend = await startScriptedBackend((conn) => {
      const heads = conn.received.split("\r\n\r\n").length - 1;
      for (let i = answered.get(conn) ?? 0; i < heads; i++) {
        conn.socket.write(
          i === 0
            ? "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n"
            : "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnext",
        );
      }
      answered.set(conn, heads);
    });
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("HEAD", "/head-only", backend.port));
      client.write(head("GET", "/after-head", backend.port));
      await client.until((received) => received.endsWith("next"));
      const headEnd = client.received.indexOf("\r\n\r\n") + 4;
      expect(client.received.slice(0, headEnd)).toContain("content-length: 100");
      const [next] = splitResponses(client.received.slice(headEnd)).responses;
      expect(next!.body).toBe("next");
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  test("two hundred thousand pipelined requests the router answers itself, in one write, are all answered", async () => {
    // A read holds tens of thousands of these requests.
    const { request, one } = await routerRejected();
    const n = 200_000;
    const client = await RawClient.connect(routerPort);
    client.write(request.repeat(n));
    await client.until((received) => received.length >= one * n);
    expect(client.received.length).toBe(one * n);
    expect(client.received.split("HTTP/1.1 400 ").length - 1).toBe(n);
    expect(client.ended).toBe(false);
    client.destroy();
  });

  test("a client that pipelines without reading is answered only as fast as it reads", async () => {
    const { request, one } = await routerRejected();
    const answered = () => requestsWithStatus(400);
    const before = answered();
    const n = 300_000;
    const client = await RawClient.connect(routerPort);
    client.pause();
    client.write(request.repeat(n));
    // Until the router stops taking requests (its output backed up), or has produced more than it may buffer.
    let last = -1;
    for (let now = 0; now !== last && now * one <= MAX_UNREAD_OUTPUT; now = answered() - before) {
      last = now;
      await Bun.sleep(200);
    }
    expect((answered() - before) * one).toBeLessThanOrEqual(MAX_UNREAD_OUTPUT);
    client.resume();
    await client.until((received) => received.length >= one * n);
    expect(client.received.length).toBe(one * n);
    client.destroy();
  });

  test("Connection: close gets connection: close and the socket closes after the response", async () => {
    const client = await RawClient.connect(routerPort);
    client.write(head("GET", "/closing", raw.port, { connection: "close" }));
    await client.closed();
    const [response] = await client.responses(1);
    expect(response!.status).toBe(200);
    expect(response!.body).toBe("GET /closing HTTP/1.1");
    expect(response!.headers.get("connection")).toBe("close");
  });

  test("a 400 for bad routing headers keeps the connection for the next request", async () => {
    const client = await RawClient.connect(routerPort);
    client.write(head("GET", "/bad-port", raw.port, { "x-sandbox-port": "not-a-port" }));
    const [bad] = await client.responses(1);
    expect(bad!.status).toBe(400);
    expect(JSON.parse(bad!.body)).toEqual({ detail: "Invalid port format." });
    expect(bad!.headers.get("connection")).toBeUndefined();
    client.write(head("GET", "/after-400", raw.port));
    const responses = await client.responses(2);
    expect(responses[1]!.status).toBe(200);
    expect(responses[1]!.body).toBe("GET /after-400 HTTP/1.1");
    expect(client.ended).toBe(false);
    client.destroy();
  });
});

describe("byte-exact relay", () => {
  test("a target with dot segments, a backslash and a quote reaches the sandbox byte for byte", async () => {
    const target = "/a/../b/./c\\d?x='y'";
    const client = await RawClient.connect(routerPort);
    client.write(head("GET", target, raw.port));
    const [response] = await client.responses(1);
    expect(response!.body).toBe(`GET ${target} HTTP/1.1`);
    expect(headsFor(target)).toHaveLength(1);
    client.destroy();
  });

  test("a chunked response keeps the upstream's chunk framing", async () => {
    const chunks = "5\r\nhello\r\n1;ext=a\r\n \r\n10\r\nworld, chunked!!\r\n0\r\nx-trailer: t\r\n\r\n";
    const backend = await startScriptedBackend(
      answerOnce(
        `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n${chunks}`,
      ),
    );
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", "/chunked-response", backend.port));
      const [response] = await client.responses(1);
      expect(response!.status).toBe(200);
      expect(response!.headers.get("transfer-encoding")).toBe("chunked");
      expect(response!.body).toBe(chunks);
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  test("a chunked request body reaches the sandbox with its framing; the connection stays usable", async () => {
    const body = "4\r\nwiki\r\n6;x=y\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n";
    const backend = await startScriptedBackend((conn) => {
      if (conn.received.endsWith("0\r\n\r\n")) {
        conn.socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", "latin1");
      }
    });
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("POST", "/chunked-upload", backend.port, { "transfer-encoding": "chunked" }));
      // The body in pieces that split chunk headers and data.
      for (const piece of [body.slice(0, 3), body.slice(3, 20), body.slice(20)]) {
        await Bun.sleep(5);
        client.write(piece);
      }
      const [response] = await client.responses(1);
      expect(response!.status).toBe(200);
      const received = backend.connections[0]!.received;
      const headEnd = received.indexOf("\r\n\r\n") + 4;
      const fieldLines = received.slice(0, headEnd).toLowerCase().split("\r\n");
      expect(fieldLines.filter((l) => l.startsWith("transfer-encoding:"))).toEqual([
        "transfer-encoding: chunked",
      ]);
      expect(fieldLines.filter((l) => l.startsWith("content-length:"))).toEqual([]);
      expect(received.slice(headEnd)).toBe(body);
      client.write(head("GET", "/after-chunked-upload", raw.port));
      const responses = await client.responses(2);
      expect(responses[1]!.body).toBe("GET /after-chunked-upload HTTP/1.1");
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  test("chunked uploads sent whole with their heads go out on a kept-alive upstream connection unchanged", async () => {
    const bodies = ["3\r\none\r\n0\r\n\r\n", "3\r\ntwo\r\n0\r\n\r\n", "5\r\nthree\r\n0\r\n\r\n"];
    const backend = await startScriptedBackend((conn) => {
      if (conn.received.endsWith("0\r\n\r\n")) conn.socket.write("HTTP/1.1 204 No Content\r\n\r\n");
    });
    try {
      const client = await RawClient.connect(routerPort);
      for (const [i, body] of bodies.entries()) {
        client.write(
          `${head("POST", `/upload-${i}`, backend.port, { "transfer-encoding": "chunked" })}${body}`,
        );
        await client.until((received) => received.split("HTTP/1.1 204").length - 1 === i + 1);
      }
      expect(backend.connections).toHaveLength(1);
      const received = backend.connections[0]!.received;
      for (const body of bodies) expect(received).toContain(`\r\n\r\n${body}`);
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  test("a chunked response written in small pieces arrives with the same bytes", async () => {
    const chunks = "3\r\nabc\r\n1\r\nd\r\na\r\n0123456789\r\n0\r\n\r\n";
    const backend = await startScriptedBackend((conn) => {
      if (!conn.received.endsWith("\r\n\r\n")) return;
      const response = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunks}`;
      void (async () => {
        for (let i = 0; i < response.length; i += 4) {
          conn.socket.write(response.slice(i, i + 4));
          await Bun.sleep(1);
        }
      })();
    });
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", "/pieces", backend.port));
      const [response] = await client.responses(1);
      expect(response!.body).toBe(chunks);
      client.write(head("GET", "/after-pieces", raw.port));
      expect((await client.responses(2))[1]!.body).toBe("GET /after-pieces HTTP/1.1");
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  test("interim 1xx responses from the upstream are dropped; the final one is relayed", async () => {
    const backend = await startScriptedBackend(
      answerOnce(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </s.css>\r\n\r\n" +
          "HTTP/1.1 201 Created\r\ncontent-length: 7\r\n\r\ncreated",
      ),
    );
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", "/interim", backend.port));
      const [response] = await client.responses(1);
      expect(response!.status).toBe(201);
      expect(response!.body).toBe("created");
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  test("a malformed chunked body while the upstream connection is still being dialled gets 400 too", async () => {
    const backend = await startScriptedBackend(answerOnce("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
    try {
      const client = await RawClient.connect(routerPort);
      client.write(
        `${head("POST", "/bad-chunks-dial", backend.port, { "transfer-encoding": "chunked" })}5\r\nabcdeXY`,
      );
      await client.closed();
      const responses = await client.responses(1);
      expect(responses.map((r) => r.status)).toEqual([400]);
      expect(JSON.parse(responses[0]!.body)).toEqual({ detail: "Malformed chunked request body." });
    } finally {
      await backend.stop();
    }
  });

  test("a malformed chunked request body gets 400 and the connection closes", async () => {
    const client = await RawClient.connect(routerPort);
    client.write(
      `${head("POST", "/bad-chunks", raw.port, { "transfer-encoding": "chunked" })}zz\r\nnot hex\r\n0\r\n\r\n`,
    );
    await client.closed();
    const [response] = await client.responses(1);
    expect(response!.status).toBe(400);
    expect(JSON.parse(response!.body)).toEqual({ detail: "Malformed chunked request body." });
    expect(response!.headers.get("connection")).toBe("close");
  });

  test("a body the upstream ends by closing arrives whole, with connection: close, then the socket closes", async () => {
    const body = "no length, no chunks: the close ends me";
    const backend = await startScriptedBackend(
      answerOnce(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n${body}`, true),
    );
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", "/close-delimited", backend.port));
      await client.closed();
      const [response] = await client.responses(1);
      expect(response!.status).toBe(200);
      expect(response!.headers.get("connection")).toBe("close");
      expect(response!.body).toBe(body);
    } finally {
      await backend.stop();
    }
  });
});

describe("client address", () => {
  test("a plain request on the listener forwards the client's address", async () => {
    const client = await RawClient.connect(routerPort, CLIENT_IP);
    client.write(head("GET", "/xff-fast", raw.port));
    await client.responses(1);
    expect(fieldOf(headsFor("/xff-fast")[0]!, "x-forwarded-for")).toBe(CLIENT_IP);
    client.destroy();
  });

  test("an HTTP/1.0 request is handed off, answered, and forwards the client's address", async () => {
    const client = await RawClient.connect(routerPort, CLIENT_IP);
    client.write(head("GET", "/xff-http10", raw.port, {}, "HTTP/1.0"));
    const [response] = await client.responses(1);
    expect(response!.status).toBe(200);
    expect(response!.body).toBe("GET /xff-http10 HTTP/1.1");
    expect(fieldOf(headsFor("/xff-http10")[0]!, "x-forwarded-for")).toBe(CLIENT_IP);
    client.destroy();
  });

  test("an Expect: 100-continue request is handed off, answered, and forwards the client's address", async () => {
    const client = await RawClient.connect(routerPort, CLIENT_IP);
    client.write(head("POST", "/xff-expect", raw.port, { expect: "100-continue", "content-length": "5" }));
    client.write("hello");
    const responses = await client.responses(2);
    const final = responses.find((r) => r.status >= 200);
    expect(final?.status).toBe(200);
    expect(final?.body).toBe("POST /xff-expect HTTP/1.1");
    expect(fieldOf(headsFor("/xff-expect")[0]!, "x-forwarded-for")).toBe(CLIENT_IP);
    client.destroy();
  });
});

describe("limits and early answers", () => {
  test("a client that half-closes after its requests still gets every answer, then the connection closes", async () => {
    // A backend of its own: no connection the router kept from other tests, whatever they left on it.
    const fresh = await startRawBackend();
    try {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", "/half-1", fresh.port) + head("GET", "/half-2", fresh.port));
      client.endInput();
      await client.closed();
      const { responses } = splitResponses(client.received, true);
      expect(responses.map((r) => [r.status, r.body])).toEqual([
        [200, "GET /half-1 HTTP/1.1"],
        [200, "GET /half-2 HTTP/1.1"],
      ]);
    } finally {
      await fresh.stop();
    }
  });

  test("a client that half-closes in the middle of a body is cut off without an answer", async () => {
    const client = await RawClient.connect(routerPort);
    client.write(`${head("POST", "/half-body", raw.port, { "content-length": "100" })}only part`);
    client.endInput();
    await client.closed();
    expect(client.received).toBe("");
  });

  test("a kept-alive connection idle past the idle timeout is closed; one never used as well", async () => {
    const strict = await startTestRouter({ clientIdleTimeoutSeconds: 0.2 });
    try {
      const port = Number(new URL(strict.url).port);
      const used = await RawClient.connect(port);
      used.write(head("GET", "/then-idle", raw.port));
      const [answer] = await used.responses(1);
      expect(answer!.status).toBe(200);
      const unused = await RawClient.connect(port);
      await used.closed();
      await unused.closed();
      expect(unused.received).toBe("");
    } finally {
      await strict.stop();
    }
  });

  test("a client that stops in the middle of a head is disconnected after the header timeout", async () => {
    const strict = await startTestRouter({ clientHeaderTimeoutSeconds: 0.2 });
    try {
      const port = Number(new URL(strict.url).port);
      const stalled = await RawClient.connect(port);
      stalled.write("GET /stalled HTTP/1.1\r\nHost: r\r\nX-Sandbox-");
      // A client that completes its heads is not affected, however long its connection lives.
      const steady = await RawClient.connect(port);
      steady.write(head("GET", "/steady-1", raw.port));
      await steady.responses(1);
      await stalled.closed();
      expect(stalled.received).toBe("");
      steady.write(head("GET", "/steady-2", raw.port));
      const answers = await steady.responses(2);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      steady.destroy();
    } finally {
      await strict.stop();
    }
  });

  test("a head over 64 KiB gets 431 from the hand-off", async () => {
    const client = await RawClient.connect(routerPort);
    client.write(head("GET", "/huge-head", raw.port, { "x-filler": "f".repeat(70 * 1024) }));
    const [response] = await client.responses(1);
    expect(response!.status).toBe(431);
    expect(headsFor("/huge-head")).toHaveLength(0);
    client.destroy();
  });

  test("an upstream answering before the body is complete does not hang the client", async () => {
    const backend = await startScriptedBackend(
      answerOnce("HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n"),
    );
    try {
      const client = await RawClient.connect(routerPort);
      client.write(
        `${head("POST", "/too-large", backend.port, { "content-length": String(10 * 1024 * 1024) })}${"b".repeat(1024)}`,
      );
      const [response] = await client.responses(1);
      expect(response!.status).toBe(413);
      // The rest of the body will not be read: the connection cannot carry another request, and says so.
      expect(response!.headers.get("connection")).toBe("close");
      await client.closed();
    } finally {
      await backend.stop();
    }
  });

  test("an upstream answering without reading the whole body leaves the client connection closed or usable", async () => {
    // The sandbox stops reading after the head and answers a little later. Depending on how much the kernel
    // buffers took, the router has then read all, or only part, of the client's body; either way the client
    // must get the answer and then a closed connection or one that serves the next request.
    for (let mib = 2; mib <= 10; mib++) {
      const backend = await startScriptedBackend((conn) => {
        if (conn.socket.isPaused() || !conn.received.includes("\r\n\r\n")) return;
        conn.socket.pause();
        setTimeout(
          () => conn.socket.write("HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n"),
          200,
        );
      });
      try {
        const size = mib * 1024 * 1024;
        const client = await RawClient.connect(routerPort);
        client.write(
          `${head("POST", `/unread-${mib}`, backend.port, { "content-length": String(size) })}${"u".repeat(size)}`,
        );
        const [response] = await client.responses(1);
        expect(response!.status).toBe(413);
        if (response!.headers.get("connection") !== "close" && !client.ended) {
          client.write(head("GET", `/after-unread-${mib}`, raw.port));
          await client.until((received) => received.includes(`GET /after-unread-${mib} HTTP/1.1`));
        }
        client.destroy();
      } finally {
        await backend.stop();
      }
    }
  });

  test("bytes a client sends after the router chose to close are not taken as requests", async () => {
    const backend = await startScriptedBackend(
      answerOnce("HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n"),
    );
    try {
      const client = await RawClient.connect(routerPort);
      client.write(`${head("POST", "/too-large-2", backend.port, { "content-length": "1000000" })}b`);
      const [response] = await client.responses(1);
      expect(response!.status).toBe(413);
      // What the client still sends is the unread body; it must not be parsed as a next request.
      client.write(head("GET", "/smuggled", raw.port));
      client.write("x".repeat(80 * 1024));
      await client.closed();
      expect((await client.responses(5)).map((r) => r.status)).toEqual([413]);
      expect(headsFor("/smuggled")).toHaveLength(0);
    } finally {
      await backend.stop();
    }
  });

  for (const [name, lineEnd] of [
    ["LF", "\n"],
    ["CR", "\r"],
  ] as const) {
    test(`a head with bare ${name} line ends is handed off (Bun refuses it) instead of waiting for more bytes`, async () => {
      const client = await RawClient.connect(routerPort);
      client.write(head("GET", `/bare-${name}`, raw.port).replaceAll("\r\n", lineEnd));
      await client.closed();
      const [response] = await client.responses(1);
      expect(response!.status).toBeGreaterThanOrEqual(400);
      expect(headsFor(`/bare-${name}`)).toHaveLength(0);
    });
  }
});
