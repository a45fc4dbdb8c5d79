import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import type { RouterHandle } from "../../../src/router/index";
import { handlerContract } from "./handlerContract";
import { type EchoRecord, POD_IP, routedHeaders, startBackend, startTestRouter } from "./helpers";

let backend: Server<unknown>;
let router: RouterHandle;

beforeAll(async () => {
  backend = startBackend() as Server<unknown>;
  router = await startTestRouter({ proxyTimeoutSeconds: 30 });
});
afterAll(async () => {
  await router.stop();
  await backend.stop(true);
});

const via = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
  fetch(`${router.url}${path}`, { ...init, headers: { ...routedHeaders(backend.port!), ...headers } });

describe("handler contract on Bun", () => {
  handlerContract({ url: () => router.url, backendPort: () => backend.port! });
});

describe("probes", () => {
  test("/readyz and /metrics on the metrics port", async () => {
    expect((await fetch(`${router.metricsUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${router.url}/readyz`)).status).toBe(200);
    await via("/metrics-probe");
    const text = await (await fetch(`${router.metricsUrl}/metrics`)).text();
    expect(text).toContain(
      'sandbox_router_requests_total{method="GET",code="200",sandbox_namespace="default"}',
    );
  });
});

describe("resolution through the index", () => {
  test("sandbox name and claim name resolve to the ready pod; unknown falls back to DNS", async () => {
    router.index.upsertSandbox({
      metadata: { name: "pool-x1", namespace: "team" },
      status: { podIPs: [POD_IP], conditions: [{ type: "Ready", status: "True" }] },
    });
    router.index.upsertClaim({
      metadata: { name: "my-claim", namespace: "team" },
      status: { sandbox: { name: "pool-x1" } },
    });
    for (const id of ["pool-x1", "my-claim"]) {
      const res = await fetch(`${router.url}/idx`, {
        headers: {
          "x-sandbox-id": id,
          "x-sandbox-namespace": "team",
          "x-sandbox-port": String(backend.port),
        },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as EchoRecord).path).toBe("/idx");
    }
  });
});
