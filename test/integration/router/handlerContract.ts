// The handler's HTTP contract, run against any adapter (Bun in http.test.ts, Deno in deno.test.ts).
import { describe, expect, test } from "bun:test";
import { type EchoRecord, POD_IP, rawExchange, releaseSseEvent, routedHeaders } from "./helpers";

export interface ContractTarget {
  /** Router base URL. */
  readonly url: () => string;
  /** Port of the shared Bun backend. */
  readonly backendPort: () => number;
}

export function handlerContract(t: ContractTarget): void {
  const via = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(`${t.url()}${path}`, { ...init, headers: { ...routedHeaders(t.backendPort()), ...headers } });

  test("GET /healthz", async () => {
    const res = await fetch(`${t.url()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ok"}');
  });

  describe("routing header errors", () => {
    test.each([
      [{ "x-sandbox-id": "" }, "X-Sandbox-ID header is required."],
      [{ "x-sandbox-id": "Not_Valid" }, "Invalid sandbox ID format."],
      [{ "x-sandbox-namespace": "UPPER" }, "Invalid namespace format."],
      [{ "x-sandbox-port": "70000" }, "Invalid port format."],
      [{ "x-sandbox-pod-ip": "not-an-ip" }, "Invalid target IP address format."],
      [{ "x-sandbox-pod-ip": "127.0.0.1" }, "Invalid target IP address."],
      [{ "x-sandbox-pod-ip": "169.254.169.254" }, "Invalid target IP address."],
      [{ "x-sandbox-pod-ip": "::ffff:127.0.0.1" }, "Invalid target IP address."],
      [{ "x-sandbox-pod-ip": "::1" }, "Invalid target IP address."],
      [{ "x-sandbox-pod-ip": "224.0.0.251" }, "Invalid target IP address."],
      [{ "x-sandbox-pod-ip": "0.0.0.0" }, "Invalid target IP address."],
    ])("%j -> 400 %s", async (headers, detail) => {
      const res = await via("/x", headers);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.text()).toBe(JSON.stringify({ detail }));
    });
    test("missing X-Sandbox-ID entirely", async () => {
      const res = await fetch(`${t.url()}/x`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ detail: "X-Sandbox-ID header is required." });
    });
  });

  describe("forwarding", () => {
    test("method, path, query and body reach the sandbox; router headers do not", async () => {
      const res = await via(
        "/files/a%2Fb.txt?x=%2F&y=1",
        {
          authorization: "Bearer t",
          "x-sandbox-namespace": "default",
          "x-sandbox-timeout": "10",
          connection: "x-per-hop",
          "x-per-hop": "1",
          "x-forwarded-for": "6.6.6.6",
          "x-api-key": "kept",
          "content-type": "text/plain",
        },
        { method: "PUT", body: "hello" },
      );
      expect(res.status).toBe(200);
      const seen = (await res.json()) as EchoRecord;
      expect(seen.method).toBe("PUT");
      expect(seen.path).toBe("/files/a%2Fb.txt?x=%2F&y=1");
      expect(seen.bodyBytes).toBe(5);
      for (const name of [
        "authorization",
        "x-sandbox-id",
        "x-sandbox-namespace",
        "x-sandbox-port",
        "x-sandbox-pod-ip",
        "x-sandbox-timeout",
        "x-per-hop",
      ]) {
        expect(seen.headers[name]).toBeUndefined();
      }
      expect(seen.headers["x-api-key"]).toBe("kept");
      expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
      expect(seen.headers["x-forwarded-proto"]).toBe("http");
      expect(seen.headers["x-forwarded-host"]).toBe(new URL(t.url()).host);
      expect(seen.headers.host).toBe(`${POD_IP}:${t.backendPort()}`);
    });

    test.each(["GET", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD"])("%s is proxied", async (method) => {
      const res = await via(
        "/m",
        {},
        { method, ...(method === "POST" || method === "PATCH" ? { body: "b" } : {}) },
      );
      expect(res.status).toBe(200);
      if (method !== "HEAD") expect(((await res.json()) as EchoRecord).method).toBe(method);
    });

    test("upstream status passes through; hop-by-hop response headers are removed", async () => {
      const res = await via("/status?code=418");
      expect(res.status).toBe(418);
      expect(res.headers.get("x-kept")).toBe("1");
      expect(res.headers.get("x-secret")).toBeNull();
    });

    test("SSE events arrive one by one, before the stream ends", async () => {
      const res = await via("/sse");
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      const reader = res.body!.getReader();
      let text = "";
      for (let i = 0; i < 3; i++) {
        // The backend holds event i+1 until event i has arrived here; a buffering router would deadlock.
        while (!text.includes(`event-${i}`)) {
          const { value, done } = await reader.read();
          if (done) throw new Error("stream ended early");
          text += new TextDecoder().decode(value);
        }
        releaseSseEvent();
      }
      expect(text).toBe("data: event-0\n\ndata: event-1\n\ndata: event-2\n\n");
    });

    test("a raw request keeps %2F, double slashes inside the path and the query byte for byte", async () => {
      const out = await rawExchange(
        Number(new URL(t.url()).port),
        `GET /a%2Fb//c/%7E?q=%2F%3F&x=a+b HTTP/1.1\r\nHost: r\r\nX-Sandbox-ID: sb\r\nX-Sandbox-Pod-IP: ${POD_IP}\r\nX-Sandbox-Port: ${t.backendPort()}\r\nConnection: close\r\n\r\n`,
      );
      expect(out).toContain('"path":"/a%2Fb//c/%7E?q=%2F%3F&x=a+b"');
    });
  });

  describe("failures", () => {
    test("connect failure -> 502 with upstream's detail", async () => {
      const closed = Bun.serve({ hostname: POD_IP, port: 0, fetch: () => new Response("x") });
      const port = closed.port!;
      await closed.stop(true);
      const res = await fetch(`${t.url()}/x`, {
        headers: routedHeaders(port, { "x-sandbox-id": "gone-1" }),
      });
      expect(res.status).toBe(502);
      expect(await res.text()).toBe('{"detail":"Could not connect to the backend sandbox: gone-1"}');
    });

    test("DNS failure (no such sandbox service) -> 502", async () => {
      const res = await fetch(`${t.url()}/x`, {
        headers: { "x-sandbox-id": "nobody-here", "x-sandbox-namespace": "nowhere" },
      });
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ detail: "Could not connect to the backend sandbox: nobody-here" });
    });

    test("X-Sandbox-Timeout -> 504 with upstream's detail", async () => {
      const res = await via("/slow?ms=5000", { "x-sandbox-timeout": "0.2" });
      expect(res.status).toBe(504);
      expect(await res.text()).toBe('{"detail":"Timed out waiting for the backend sandbox: sb-1"}');
    });

    test("a slow backend within the timeout is answered (no header cut-off)", async () => {
      const res = await via("/slow?ms=300", { "x-sandbox-timeout": "20" });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("slow done");
    });

    test("backend answering 101 on the HTTP path -> 502", async () => {
      const net = await import("node:net");
      const sock101 = net.createServer((s) =>
        s.once("data", () =>
          s.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n"),
        ),
      );
      await new Promise<void>((r) => sock101.listen(0, POD_IP, r));
      try {
        const port = (sock101.address() as { port: number }).port;
        const res = await fetch(`${t.url()}/x`, { headers: routedHeaders(port) });
        expect(res.status).toBe(502);
        expect(await res.json()).toEqual({
          detail:
            "Backend attempted a WebSocket upgrade over HTTP. Connect using the WebSocket protocol instead.",
        });
      } finally {
        sock101.close();
      }
    });

    test("backend closing without a response -> 500 internal error", async () => {
      const net = await import("node:net");
      const rude = net.createServer((s) => s.once("data", () => s.destroy()));
      await new Promise<void>((r) => rude.listen(0, POD_IP, r));
      try {
        const port = (rude.address() as { port: number }).port;
        const res = await fetch(`${t.url()}/x`, { headers: routedHeaders(port) });
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ detail: "An internal error occurred in the proxy." });
      } finally {
        rude.close();
      }
    });
  });
}
