// Started by deno.test.ts under Deno: the router handler on the Deno adapter, configured like the Bun
// test router. Prints {"port": n} once listening.
import { serveDeno } from "../../../src/router/deno";
import { makeHandler } from "../../../src/router/handler";
import { parseCidr } from "../../../src/router/ip";
import { makeResolver } from "../../../src/router/resolver";

const handler = makeHandler(
  {
    proxyTimeoutMs: 30_000,
    podIpPolicy: { allowedCidrs: [parseCidr("127.1.0.0/16")!] },
    retry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 20 },
  },
  makeResolver({ clusterDomain: "cluster.local" }),
);
const server = serveDeno({ hostname: "127.0.0.1", port: 0, handler });
console.log(JSON.stringify({ port: server.addr.port }));
