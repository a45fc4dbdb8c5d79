// Bad-input fuzzing of the router against a real backend: random methods, paths, bodies and routing headers.
// Every answer is either the backend's (request forwarded intact: method, path, body length) or one of the
// specified errors (400 with upstream's words for each bad header, 502 when nothing listens on the port);
// the router never crashes and keeps serving a good request after every run.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Server } from "bun";
import fc from "fast-check";
import { type RouterHandle, startRouter } from "../../../src/router/index";

setDefaultTimeout(120_000);

// Far from the addresses local-mode node agents hand out, so no pod of a concurrent suite answers on :8888.
const POD_IP = "127.1.250.250";
let backend: Server<unknown>;
let router: RouterHandle;
let closedPort = 0;

beforeAll(async () => {
  backend = Bun.serve({
    hostname: POD_IP,
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const body = new Uint8Array(await req.arrayBuffer());
      return Response.json({ method: req.method, path: url.pathname + url.search, bodyBytes: body.length });
    },
  });
  const closed = Bun.serve({ hostname: POD_IP, port: 0, fetch: () => new Response() });
  closedPort = closed.port ?? 0;
  closed.stop(true);
  router = await startRouter({
    hostname: "127.0.0.1",
    port: 0,
    metricsPort: null,
    auth: { mode: "none" },
    allowUnauthenticated: true,
    localPodCidrs: ["127.1.0.0/16"],
    retry: { maxRetries: 0 },
  });
});

afterAll(async () => {
  await router?.stop();
  backend?.stop(true);
});

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const token = fc.string({ unit: fc.constantFrom(..."abz09-._~%ZA:/@!*é".split("")), maxLength: 70 });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"),
  path: fc.array(
    fc.oneof(fc.webSegment(), fc.constantFrom("..", ".", "%2e%2e", "%2F", "%00", "%zz", "?a=b&c")),
    {
      maxLength: 6,
    },
  ),
  id: optional(fc.oneof({ arbitrary: fc.constantFrom("sandbox-1", "a"), weight: 4 }, token)),
  namespace: optional(fc.oneof(fc.constant("default"), token)),
  port: optional(
    fc.oneof(
      { arbitrary: fc.constant("backend"), weight: 4 },
      fc.constantFrom("closed", "0", "65536", "+1", "08x"),
      token,
    ),
  ),
  // Only the backend's address or ones the router must refuse: any other valid IP would be dialled for real.
  podIP: fc.oneof(
    { arbitrary: fc.constant(POD_IP), weight: 4 },
    fc.constantFrom("127.0.0.1", "169.254.1.1", "::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1"),
    token.map((t) => `x${t}`),
  ),
  body: fc.uint8Array({ maxLength: 4096 }),
});

type Req = typeof request extends fc.Arbitrary<infer R> ? R : never;

/** The error details the router may answer for this request's headers; empty when the headers are valid. */
const headerErrors = (r: Req, port: string | undefined): Set<string> => {
  const errors = new Set<string>();
  if (r.id === undefined || r.id === "") errors.add("X-Sandbox-ID header is required.");
  if (r.id !== undefined && !(r.id.length <= 63 && DNS_LABEL.test(r.id)))
    errors.add("Invalid sandbox ID format.");
  if (r.namespace !== undefined && !(r.namespace.length <= 63 && DNS_LABEL.test(r.namespace)))
    errors.add("Invalid namespace format.");
  if (port !== undefined) {
    const n = Number(port);
    if (!(/^\+?[0-9]+$/.test(port) && n >= 1 && n <= 65535)) errors.add("Invalid port format.");
  }
  if (r.podIP !== POD_IP) {
    errors.add("Invalid target IP address format.");
    errors.add("Invalid target IP address.");
  }
  return errors;
};

let forwarded = 0;

test("random requests get the backend's answer or a specified error, and the router keeps serving", async () => {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const port =
        r.port === "backend" ? String(backend.port) : r.port === "closed" ? String(closedPort) : r.port;
      const headers: Record<string, string> = { "X-Sandbox-Pod-IP": r.podIP };
      if (r.id !== undefined) headers["X-Sandbox-ID"] = r.id;
      if (r.namespace !== undefined) headers["X-Sandbox-Namespace"] = r.namespace;
      if (port !== undefined) headers["X-Sandbox-Port"] = port;
      // A leading "//" is collapsed by Bun itself (client or server) even without the router, hence the
      // "p/" start and the collapse in the expected path (".." segments can still bring it to the front).
      const url = new URL(`${router.url}/p/${r.path.join("/")}`);
      const withBody = r.method !== "GET" && r.method !== "HEAD";
      const res = await fetch(url, { method: r.method, headers, ...(withBody ? { body: r.body } : {}) });
      const text = await res.text();
      const errors = headerErrors(r, port);
      const portIsBackend = port !== undefined && Number(port) === backend.port;
      if (errors.size > 0) {
        expect(res.status).toBe(400);
        if (r.method !== "HEAD")
          expect([...errors]).toContain((JSON.parse(text) as { detail: string }).detail);
      } else if (portIsBackend) {
        forwarded++;
        expect(res.status).toBe(200);
        if (r.method !== "HEAD") {
          expect(JSON.parse(text)).toEqual({
            method: r.method,
            path: (url.pathname + url.search).replace(/^\/+/, "/"),
            bodyBytes: withBody ? r.body.length : 0,
          });
        }
      } else {
        expect(res.status).toBe(502);
      }
    }),
    { numRuns: 300 },
  );
  expect(forwarded).toBeGreaterThan(30);
  const ok = await fetch(`${router.url}/still/here`, {
    headers: { "X-Sandbox-ID": "s", "X-Sandbox-Pod-IP": POD_IP, "X-Sandbox-Port": String(backend.port) },
  });
  expect(ok.status).toBe(200);
});
