// Started by spawnDenoRouter (denoRouter.ts) under Deno: the router handler and WebSocket proxy on the Deno adapter, configured
// like the Bun test router (plus the WebSocketRouterConfig JSON in the first argument). Prints {"port": n} once
// listening.
import { noAuth, staticTokenAuth } from "../../../src/router/auth";
import { serveDeno } from "../../../src/router/deno";
import { makeHandler } from "../../../src/router/handler";
import { parseCidr } from "../../../src/router/ip";
import { makeResolver } from "../../../src/router/resolver";
import { DEFAULT_WEBSOCKET_LIMITS, WebSocketProxy } from "../../../src/router/websocket";
import type { WebSocketRouterConfig } from "./websocketContract";

const args = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
const config = JSON.parse(args[0] ?? "{}") as WebSocketRouterConfig;
const auth = config.authToken === undefined ? noAuth : staticTokenAuth(config.authToken);
const proxyTimeoutMs = 30_000;
const podIpPolicy = { allowedCidrs: [parseCidr("127.1.0.0/16")!] };
const resolver = makeResolver({ clusterDomain: "cluster.local" });
const handler = makeHandler(
  { proxyTimeoutMs, podIpPolicy, retry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 20 } },
  resolver,
  { auth },
);
const websockets = new WebSocketProxy({
  auth,
  resolver,
  podIpPolicy,
  handshakeTimeoutMs: proxyTimeoutMs,
  limits: { ...DEFAULT_WEBSOCKET_LIMITS, ...config.websocket },
});
const server = serveDeno({ hostname: "127.0.0.1", port: 0, handler, websockets });
console.log(JSON.stringify({ port: server.addr.port }));
