// What reaches the sandbox is byte-identical to what the client sent: raw request lines go in over TCP
// (no client-side URL normalisation) and a raw TCP backend records the request line it receives.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import type { RouterHandle } from "../../../src/router/index";
import { POD_IP, rawExchange, startRawBackend, startTestRouter } from "../../integration/router/helpers";

let backend: Awaited<ReturnType<typeof startRawBackend>>;
let router: RouterHandle;
let routerPort: number;

beforeAll(async () => {
  backend = await startRawBackend();
  router = await startTestRouter();
  routerPort = Number(new URL(router.url).port);
});
afterAll(async () => {
  await router.stop();
  await backend.stop();
});

const lastRequestLine = () => backend.heads.at(-1)?.split("\r\n")[0];

const hex = fc.constantFrom(..."0123456789ABCDEFabcdef".split(""));
const pctEncoded = fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`);
// RFC 3986 pchar: unreserved / sub-delims / ":" / "@" / pct-encoded.
const pcharLiteral = fc.constantFrom(..."abcxyzABCXYZ0189-._~!$&'()*+,;=:@".split(""));
const pchar = fc.oneof({ weight: 4, arbitrary: pcharLiteral }, { weight: 1, arbitrary: pctEncoded });
// Dot segments ("." and "..", also spelled %2e) are resolved by every HTTP server before the handler
// sees the URL, so they are outside what a proxy on Bun.serve can preserve; all other segments are kept.
const isDotSegment = (s: string) => /^(\.|%2e){1,2}$/i.test(s);
const segment = fc
  .array(pchar, { maxLength: 8 })
  .map((cs) => cs.join(""))
  .filter((s) => !isDotSegment(s));
const firstSegment = segment.filter((s) => s.length > 0);
const path = fc
  .tuple(firstSegment, fc.array(segment, { maxLength: 5 }))
  .map(([first, rest]) => `/${[first, ...rest].join("/")}`);
// In a query, WHATWG URL parsing (which every fetch implementation applies) percent-encodes "'" for http
// URLs; it is the one RFC 3986 query character that does not survive byte for byte.
const queryChar = fc.oneof(pchar, fc.constantFrom("/", "?")).filter((c) => c !== "'");
const query = fc.option(
  fc.array(queryChar, { maxLength: 20 }).map((cs) => `?${cs.join("")}`),
  { nil: "" },
);

test("path and query reach the sandbox byte for byte", async () => {
  await fc.assert(
    fc.asyncProperty(path, query, async (p, q) => {
      const target = `${p}${q}`;
      const response = await rawExchange(
        routerPort,
        `GET ${target} HTTP/1.1\r\nHost: router.test\r\nX-Sandbox-ID: sb\r\nX-Sandbox-Pod-IP: ${POD_IP}\r\n` +
          `X-Sandbox-Port: ${backend.port}\r\nConnection: close\r\n\r\n`,
      );
      expect(response.startsWith("HTTP/1.1 200")).toBe(true);
      expect(lastRequestLine()).toBe(`GET ${target} HTTP/1.1`);
    }),
    { numRuns: 150 },
  );
}, 60_000);

test("the root path and an empty query survive", async () => {
  for (const target of ["/", "/?", "/x?", "/%2F%2f?a=%2F"]) {
    const response = await rawExchange(
      routerPort,
      `GET ${target} HTTP/1.1\r\nHost: r\r\nX-Sandbox-ID: sb\r\nX-Sandbox-Pod-IP: ${POD_IP}\r\nX-Sandbox-Port: ${backend.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(response.startsWith("HTTP/1.1 200")).toBe(true);
    expect(lastRequestLine()).toBe(`GET ${target} HTTP/1.1`);
  }
});
