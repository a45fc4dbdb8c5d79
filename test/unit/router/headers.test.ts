import { describe, expect, test } from "bun:test";
import {
  connectionTokens,
  isDnsLabel,
  parsePort,
  parseTarget,
  RouteErrorDetail,
  requestTimeoutMs,
  stripHopByHop,
  upstreamRequestHeaders,
} from "../../../src/router/headers";
import { parseCidr } from "../../../src/router/ip";

const cluster = { allowedCidrs: [] };
const local = { allowedCidrs: [parseCidr("127.1.0.0/16")!] };
const h = (init: Record<string, string>) => new Headers(init);

describe("parseTarget", () => {
  test("defaults namespace and port", () => {
    expect(parseTarget(h({ "x-sandbox-id": "sb-1" }), cluster)).toEqual({
      id: "sb-1",
      namespace: "default",
      port: 8888,
      podHost: undefined,
    });
  });

  test.each([
    [{}, RouteErrorDetail.missingId],
    [{ "x-sandbox-id": "" }, RouteErrorDetail.missingId],
    [{ "x-sandbox-id": "Upper" }, RouteErrorDetail.badId],
    [{ "x-sandbox-id": "-lead" }, RouteErrorDetail.badId],
    [{ "x-sandbox-id": "a".repeat(64) }, RouteErrorDetail.badId],
    [{ "x-sandbox-id": "a.b" }, RouteErrorDetail.badId],
    [{ "x-sandbox-id": "ok", "x-sandbox-namespace": "" }, RouteErrorDetail.badNamespace],
    [{ "x-sandbox-id": "ok", "x-sandbox-namespace": "bad_ns" }, RouteErrorDetail.badNamespace],
    [{ "x-sandbox-id": "ok", "x-sandbox-port": "0" }, RouteErrorDetail.badPort],
    [{ "x-sandbox-id": "ok", "x-sandbox-port": "65536" }, RouteErrorDetail.badPort],
    [{ "x-sandbox-id": "ok", "x-sandbox-port": "80a" }, RouteErrorDetail.badPort],
    [{ "x-sandbox-id": "ok", "x-sandbox-port": "" }, RouteErrorDetail.badPort],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "10.0.0" }, RouteErrorDetail.badIpFormat],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "host.example" }, RouteErrorDetail.badIpFormat],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "127.0.0.1" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "169.254.169.254" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "224.0.0.1" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "0.0.0.0" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "::1" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "::" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "fe80::1" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "ff02::1" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "::ffff:127.0.0.1" }, RouteErrorDetail.forbiddenIp],
    [{ "x-sandbox-id": "ok", "x-sandbox-pod-ip": "::ffff:169.254.1.1" }, RouteErrorDetail.forbiddenIp],
  ] as const)("%j -> %s", (headers, detail) => {
    expect(parseTarget(h(headers), cluster)).toBe(detail);
  });

  test("pod IPs: v4 as is, v6 bracketed", () => {
    const v4 = parseTarget(h({ "x-sandbox-id": "a", "x-sandbox-pod-ip": "10.1.2.3" }), cluster);
    expect(typeof v4 !== "string" && v4.podHost).toBe("10.1.2.3");
    const v6 = parseTarget(h({ "x-sandbox-id": "a", "x-sandbox-pod-ip": "fd00::5" }), cluster);
    expect(typeof v6 !== "string" && v6.podHost).toBe("[fd00::5]");
  });

  test("local mode allows only its loopback pod range", () => {
    const ok = parseTarget(h({ "x-sandbox-id": "a", "x-sandbox-pod-ip": "127.1.4.2" }), local);
    expect(typeof ok !== "string" && ok.podHost).toBe("127.1.4.2");
    expect(parseTarget(h({ "x-sandbox-id": "a", "x-sandbox-pod-ip": "127.0.0.1" }), local)).toBe(
      RouteErrorDetail.forbiddenIp,
    );
    expect(
      parseTarget(h({ "x-sandbox-id": "a", "x-sandbox-pod-ip": "::ffff:127.1.0.9" }), local),
    ).not.toBeString();
  });
});

test("isDnsLabel and parsePort edges", () => {
  expect(isDnsLabel("a")).toBe(true);
  expect(isDnsLabel("a-b-1")).toBe(true);
  expect(isDnsLabel("a-")).toBe(false);
  expect(parsePort("+80")).toBe(80);
  expect(parsePort("65535")).toBe(65535);
  expect(parsePort("-1")).toBeUndefined();
});

test("requestTimeoutMs caps and falls back like upstream", () => {
  expect(requestTimeoutMs(null, 180_000)).toBe(180_000);
  expect(requestTimeoutMs("2.5", 180_000)).toBe(2500);
  expect(requestTimeoutMs("999", 180_000)).toBe(180_000);
  expect(requestTimeoutMs("abc", 180_000)).toBe(180_000);
  expect(requestTimeoutMs("0", 180_000)).toBe(180_000);
  expect(requestTimeoutMs("-3", 180_000)).toBe(180_000);
  expect(requestTimeoutMs("1e1", 180_000)).toBe(10_000);
});

test("upstreamRequestHeaders drops hop-by-hop, router, auth and Connection-named headers", () => {
  const out = upstreamRequestHeaders(
    h({
      host: "router:8080",
      connection: "keep-alive, X-Custom-Hop",
      "x-custom-hop": "1",
      "keep-alive": "timeout=5",
      te: "trailers",
      "transfer-encoding": "chunked",
      upgrade: "h2c",
      "proxy-authorization": "x",
      authorization: "Bearer secret",
      "x-sandbox-id": "a",
      "x-sandbox-namespace": "b",
      "x-sandbox-port": "1",
      "x-sandbox-pod-ip": "10.0.0.1",
      "x-sandbox-timeout": "3",
      "x-forwarded-for": "6.6.6.6",
      cookie: "c=1",
      "x-api-key": "k",
      "content-type": "text/plain",
    }),
    { clientIp: "10.9.9.9", proto: "http" },
  );
  expect(out).toEqual({
    cookie: "c=1",
    "x-api-key": "k",
    "content-type": "text/plain",
    "x-forwarded-for": "10.9.9.9",
    "x-forwarded-host": "router:8080",
    "x-forwarded-proto": "http",
  });
});

test("websocket upgrades also drop the handshake headers and Origin", () => {
  const out = new Headers(
    upstreamRequestHeaders(
      h({ "sec-websocket-key": "k", "sec-websocket-protocol": "p", origin: "https://evil", "x-keep": "1" }),
      { clientIp: "1.2.3.4", proto: "https" },
      true,
    ),
  );
  expect(out.get("x-keep")).toBe("1");
  expect(out.has("origin")).toBe(false);
  expect(out.has("sec-websocket-key")).toBe(false);
  expect(out.get("x-forwarded-proto")).toBe("https");
});

test("stripHopByHop removes response hop-by-hop headers in place", () => {
  const headers = h({ connection: "close, x-a", "x-a": "1", "keep-alive": "t", "x-b": "2" });
  stripHopByHop(headers);
  expect(Object.fromEntries(headers)).toEqual({ "x-b": "2" });
  expect(connectionTokens(" A , ,b ")).toEqual(["a", "b"]);
});
