// Auth modes against real servers: a static token, and TokenReview answered by a tiny HTTP API server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { httpTokenReviewClient, type RouterHandle, startRouter } from "../../../src/router/index";
import { type EchoRecord, POD_IP, routedHeaders, startBackend, startTestRouter } from "./helpers";

let backend: Server<unknown>;
beforeAll(() => {
  backend = startBackend() as Server<unknown>;
});
afterAll(async () => {
  await backend.stop(true);
});

/** Answers POST /apis/authentication.k8s.io/v1/tokenreviews like an API server; counts the calls. */
function startTokenReviewServer(validTokens: Set<string>, routerCredential: string) {
  const seen: { token: string; audiences?: string[] }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "POST" || url.pathname !== "/apis/authentication.k8s.io/v1/tokenreviews") {
        return new Response("not found", { status: 404 });
      }
      if (req.headers.get("authorization") !== `Bearer ${routerCredential}`) {
        return Response.json({ kind: "Status", code: 401 }, { status: 401 });
      }
      const review = (await req.json()) as { spec: { token: string; audiences?: string[] } };
      seen.push(review.spec);
      return Response.json(
        {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenReview",
          spec: review.spec,
          status: validTokens.has(review.spec.token)
            ? { authenticated: true, user: { username: "system:serviceaccount:default:agent" } }
            : { authenticated: false, error: "invalid bearer token" },
        },
        { status: 201 },
      );
    },
  });
  return { server, seen };
}

const get = (r: RouterHandle, extra: Record<string, string> = {}) =>
  fetch(`${r.url}/auth-check`, { headers: routedHeaders(backend.port!, extra) });

describe("none", () => {
  test("refuses to start without the explicit opt-in", async () => {
    await expect(startRouter({ port: 0, metricsPort: null, auth: { mode: "none" } })).rejects.toThrow(
      "ALLOW_UNAUTHENTICATED_ROUTER",
    );
  });
});

describe("static bearer token", () => {
  let router: RouterHandle;
  beforeAll(async () => {
    router = await startTestRouter({ auth: { mode: "static", token: "s3cret" } });
  });
  afterAll(() => router.stop());

  test("401 messages as upstream", async () => {
    const missing = await get(router);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('{"detail":"Missing or invalid Authorization header."}');
    const wrong = await get(router, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: "Invalid token." });
  });

  test("a valid token passes; the router's auth header is not forwarded, others are", async () => {
    const res = await get(router, {
      authorization: "Bearer s3cret",
      "x-api-key": "sandbox-own",
      cookie: "a=b",
    });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as EchoRecord;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers["x-api-key"]).toBe("sandbox-own");
    expect(seen.headers.cookie).toBe("a=b");
  });

  test("auth is checked before routing headers", async () => {
    const res = await fetch(`${router.url}/x`);
    expect(res.status).toBe(401);
  });

  test("/healthz needs no token", async () => {
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
  });
});

describe("TokenReview", () => {
  let api: ReturnType<typeof startTokenReviewServer>;
  let router: RouterHandle;
  beforeAll(async () => {
    api = startTokenReviewServer(new Set(["alice-token"]), "router-sa-token");
    router = await startTestRouter({
      auth: {
        mode: "tokenreview",
        client: httpTokenReviewClient({
          server: `http://127.0.0.1:${api.server.port}`,
          credential: () => "router-sa-token",
          audiences: ["sandbox-router"],
        }),
        ttlMs: 60_000,
      },
    });
  });
  afterAll(async () => {
    await router.stop();
    await api.server.stop(true);
  });

  test("valid tokens pass, decisions are cached, invalid and missing tokens get 401", async () => {
    expect((await get(router, { authorization: "Bearer alice-token" })).status).toBe(200);
    expect((await get(router, { authorization: "Bearer alice-token" })).status).toBe(200);
    expect(api.seen).toEqual([{ token: "alice-token", audiences: ["sandbox-router"] }]);
    const bad = await get(router, { authorization: "Bearer mallory" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ detail: "Invalid token." });
    const missing = await get(router);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ detail: "Missing or invalid Authorization header." });
    const metrics = await (await fetch(`${router.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(
      'sandbox_router_authz_decisions_total{sandbox_namespace="default",decision="allow"} 2',
    );
  });

  test("an unreachable API server is a 500, never an allow", async () => {
    const down = await startTestRouter({
      auth: {
        mode: "tokenreview",
        client: httpTokenReviewClient({ server: "http://127.0.0.1:9", timeoutMs: 2000 }),
      },
    });
    try {
      const res = await get(down, { authorization: "Bearer alice-token" });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ detail: "An internal error occurred in the proxy." });
    } finally {
      await down.stop();
    }
  });
});

describe("cluster mode SSRF guard", () => {
  test("without a local pod range, loopback pod IPs are rejected", async () => {
    const cluster = await startTestRouter({ localPodCidrs: [] });
    try {
      const res = await fetch(`${cluster.url}/x`, { headers: routedHeaders(backend.port!) });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ detail: "Invalid target IP address." });
      expect(POD_IP.startsWith("127.")).toBe(true);
    } finally {
      await cluster.stop();
    }
  });
});
