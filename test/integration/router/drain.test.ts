// SIGTERM on the router process: /readyz turns 503, in-flight requests finish, then the process exits.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Server } from "bun";
import { routedHeaders, spawnRouter, startBackend } from "./helpers";

let backend: Server<unknown>;
beforeAll(() => {
  backend = startBackend() as Server<unknown>;
});
afterAll(async () => {
  await backend.stop(true);
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await Bun.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("drain on SIGTERM finishes in-flight requests and stops accepting", async () => {
  const router = await spawnRouter(["--shutdown-timeout", "30s"]);
  try {
    expect((await fetch(`${router.metricsUrl}/readyz`)).status).toBe(200);
    const inflight = fetch(`${router.url}/slow?ms=1500`, { headers: routedHeaders(backend.port!) });
    await until(
      async () =>
        (await (await fetch(`${router.metricsUrl}/metrics`)).text()).includes(
          "sandbox_router_inflight_requests 1",
        ),
      "the request to be in flight",
    );
    router.proc.kill("SIGTERM");
    await until(
      async () => (await fetch(`${router.metricsUrl}/readyz`)).status === 503,
      "/readyz to report draining",
    );
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("slow done");
    await router.proc.exited;
    await expect(fetch(`${router.url}/healthz`)).rejects.toThrow();
  } finally {
    await router.stop();
  }
}, 60_000);
