// The Bun router's own upstream client against raw TCP sandboxes on loopback: a client that goes away
// cancels the upstream request (the sandbox sees its connection end), framing is passed through, and
// kept-alive connections are reused or replaced when the sandbox closed them.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createServer, type Server, type Socket } from "node:net";
import type { RouterHandle } from "../../../src/router/index";
import { POD_IP, rawExchange, routedHeaders, startTestRouter } from "./helpers";

setDefaultTimeout(30_000);

let router: RouterHandle;
beforeAll(async () => {
  router = await startTestRouter();
});
afterAll(() => router.stop());

/** A sandbox that reads requests and lets the test answer (or not) each one by hand. */
async function startManualSandbox(): Promise<{
  port: number;
  server: Server;
  connections: number;
  nextRequest(): Promise<{ socket: Socket; head: string }>;
  closedSockets: Promise<void>[];
}> {
  const waiting: ((r: { socket: Socket; head: string }) => void)[] = [];
  const queued: { socket: Socket; head: string }[] = [];
  const state = {
    connections: 0,
    closedSockets: [] as Promise<void>[],
  };
  const server = createServer((socket) => {
    state.connections++;
    state.closedSockets.push(new Promise((r) => socket.once("close", () => r())));
    let buffered = "";
    socket.on("data", (d) => {
      buffered += d.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = buffered.slice(0, end + 4);
      buffered = buffered.slice(end + 4);
      const item = { socket, head };
      const w = waiting.shift();
      if (w) w(item);
      else queued.push(item);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, POD_IP, r));
  return {
    port: (server.address() as { port: number }).port,
    server,
    get connections() {
      return state.connections;
    },
    closedSockets: state.closedSockets,
    nextRequest: () => {
      const item = queued.shift();
      return item ? Promise.resolve(item) : new Promise((r) => waiting.push(r));
    },
  };
}

test("a client that disconnects before the answer cancels the upstream request", async () => {
  const sandbox = await startManualSandbox();
  try {
    const client = new AbortController();
    const pending = fetch(`${router.url}/execute`, {
      headers: routedHeaders(sandbox.port),
      signal: client.signal,
    }).catch(() => "aborted");
    const { head } = await sandbox.nextRequest();
    expect(head.startsWith("GET /execute HTTP/1.1\r\n")).toBe(true);
    client.abort();
    expect(await pending).toBe("aborted");
    // The sandbox sees its connection from the router end, without ever having answered.
    await sandbox.closedSockets[0];
  } finally {
    sandbox.server.close();
  }
});

test("a client that disconnects in the middle of a streamed body cancels the upstream response", async () => {
  const sandbox = await startManualSandbox();
  try {
    const client = new AbortController();
    const res = await (async () => {
      const pending = fetch(`${router.url}/download`, {
        headers: routedHeaders(sandbox.port),
        signal: client.signal,
      });
      const { socket } = await sandbox.nextRequest();
      socket.write(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n",
      );
      return pending;
    })();
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe("first");
    client.abort();
    await sandbox.closedSockets[0];
  } finally {
    sandbox.server.close();
  }
});

test("a response that arrives whole keeps its Content-Length; a streamed one arrives intact", async () => {
  const sandbox = await startManualSandbox();
  try {
    const routerPort = Number(new URL(router.url).port);
    const request = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: r\r\nX-Sandbox-ID: sb\r\nX-Sandbox-Pod-IP: ${POD_IP}\r\nX-Sandbox-Port: ${sandbox.port}\r\nConnection: close\r\n\r\n`;
    const whole = rawExchange(routerPort, request("/small"));
    (await sandbox.nextRequest()).socket.write(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n0123456789",
    );
    const wholeOut = (await whole).toLowerCase();
    expect(wholeOut).toContain("content-length: 10\r\n");
    expect(wholeOut).not.toContain("transfer-encoding");
    expect(wholeOut.endsWith("\r\n\r\n0123456789")).toBe(true);

    // Head first, body later: Bun's server frames a streamed body itself (chunked); the bytes are the same.
    const streamed = fetch(`${router.url}/big`, { headers: routedHeaders(sandbox.port) });
    const { socket } = await sandbox.nextRequest();
    socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n01234");
    await Bun.sleep(50);
    socket.write("56789");
    expect(await (await streamed).text()).toBe("0123456789");
  } finally {
    sandbox.server.close();
  }
});

test("kept-alive connections are reused, and one the sandbox closed is replaced without an error", async () => {
  const sandbox = await startManualSandbox();
  try {
    const ask = async () => {
      const pending = fetch(`${router.url}/k`, { headers: routedHeaders(sandbox.port) });
      const { socket } = await sandbox.nextRequest();
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
      const res = await pending;
      expect(await res.text()).toBe("ok");
      return socket;
    };
    const first = await ask();
    const second = await ask();
    expect(second).toBe(first);
    expect(sandbox.connections).toBe(1);
    // The sandbox ends the idle connection; the next request still succeeds, on a new one.
    first.end();
    await sandbox.closedSockets[0];
    await ask();
    expect(sandbox.connections).toBe(2);
  } finally {
    sandbox.server.close();
  }
});

test("the pool's sweep closes connections idle longer than the limit and keeps fresher ones", async () => {
  const { UpstreamPool } = await import("../../../src/router/upstream/pool");
  const sandbox = await startManualSandbox();
  const pool = new UpstreamPool({ maxIdlePerHost: 8, idleTimeoutSeconds: 30 });
  const key = `${POD_IP}:${sandbox.port}`;
  const old = await pool.dial(key);
  const fresh = await pool.dial(key);
  pool.release(old);
  pool.release(fresh);
  fresh.idleSince = old.idleSince + 20_000;
  pool.sweep(old.idleSince + 31_000);
  expect(old.closed).toBe(true);
  expect(fresh.closed).toBe(false);
  await sandbox.closedSockets[0];
  expect(pool.take(key)).toBe(fresh);
  expect(pool.take(key)).toBeUndefined();
  fresh.destroy();
  sandbox.server.close();
});
