import { expect, test } from "bun:test";
import { Either } from "effect";
import { parseRouterConfig, parseSeconds } from "../../../src/router/config";

const ok = (argv: string[], env: Record<string, string> = {}) => {
  const r = parseRouterConfig(argv, env);
  if (Either.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const err = (argv: string[], env: Record<string, string> = {}) => {
  const r = parseRouterConfig(argv, env);
  if (Either.isRight(r)) throw new Error("expected an error");
  return r.left.message;
};

test("defaults match upstream", () => {
  const c = ok([]);
  expect(c.port).toBe(8080);
  expect(c.metricsPort).toBe(9090);
  expect(c.proxyTimeoutSeconds).toBe(180);
  expect(c.clusterDomain).toBe("cluster.local");
  expect(c.authzMode).toBe("none");
  expect(c.allowUnauthenticated).toBe(false);
  expect(c.wsMaxMessageBytes).toBe(16 * 1024 * 1024);
  expect(c.wsIdleTimeoutMs).toBe(3_600_000);
  expect(c.accessLogSampleRate).toBe(0);
});

test("env with upstream names; flags win over env", () => {
  const c = ok(["--proxy-timeout", "2m", "--cluster-domain", "k.local"], {
    PROXY_TIMEOUT_SECONDS: "30",
    CLUSTER_DOMAIN: "ignored",
    ROUTER_AUTH_TOKEN: " tok ",
    ALLOW_UNAUTHENTICATED_ROUTER: "TRUE",
    WEBSOCKET_IDLE_TIMEOUT_SECONDS: "0",
  });
  expect(c.proxyTimeoutSeconds).toBe(120);
  expect(c.clusterDomain).toBe("k.local");
  expect(c.authzMode).toBe("static");
  expect(c.authToken).toBe("tok");
  expect(c.allowUnauthenticated).toBe(true);
  expect(c.wsIdleTimeoutMs).toBe(0);
  expect(ok([], { PROXY_TIMEOUT_SECONDS: "30" }).proxyTimeoutSeconds).toBe(30);
});

test("bind addresses, authz modes and pod CIDRs", () => {
  const c = ok([
    "--http-bind-address",
    "127.0.0.1:0",
    "--metrics-bind-address",
    "0",
    "--authz-mode",
    "tokenreview",
    "--local-pod-cidr",
    "127.1.0.0/16,127.2.0.0/16",
  ]);
  expect([c.hostname, c.port, c.metricsPort, c.authzMode]).toEqual(["127.0.0.1", 0, null, "tokenreview"]);
  expect(c.localPodCidrs).toEqual(["127.1.0.0/16", "127.2.0.0/16"]);
  expect(ok(["--authz-mode", "allow-all"]).authzMode).toBe("none");
});

test("bad input is a clear error", () => {
  expect(err(["--proxy-timeout", "soon"])).toContain("proxy timeout");
  expect(err([], { PROXY_TIMEOUT_SECONDS: "-1" })).toContain("proxy timeout");
  expect(err(["--http-bind-address", "nope"])).toContain("--http-bind-address");
  expect(err(["--authz-mode", "magic"])).toContain("--authz-mode");
  expect(err(["--authz-mode", "static"])).toContain("ROUTER_AUTH_TOKEN");
  expect(err(["--unknown"])).toContain("unknown");
  expect(err([], { WEBSOCKET_MAX_MESSAGE_BYTES: "lots" })).toContain("WEBSOCKET_MAX_MESSAGE_BYTES");
  expect(err(["--access-log-sample-rate", "2"])).toContain("sample rate");
});

test("parseSeconds understands Go durations", () => {
  expect(Either.getOrThrow(parseSeconds("1h30m", "x"))).toBe(5400);
  expect(Either.getOrThrow(parseSeconds("500ms", "x"))).toBe(0.5);
  expect(Either.isLeft(parseSeconds("0", "x"))).toBe(true);
  expect(Either.isLeft(parseSeconds("5x", "x"))).toBe(true);
});
