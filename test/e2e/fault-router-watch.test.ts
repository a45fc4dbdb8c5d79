// Fault: the router's watch connections break and, when it reconnects, the API server says its resource
// version is too old (410 Expired). A router fed through a small HTTP proxy in front of local mode's API server
// gets both faults; it must recover without a restart: re-list, watch again, and route a sandbox that was
// created while its feed was broken.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import { Effect, Exit, ManagedRuntime, Scope } from "effect";
import { parse } from "yaml";
import { type KubeApi, kubeApi, poll, readySandbox } from "../../bench/soak/kube";
import { BindingLedger } from "../../bench/soak/ledger";
import { KubeClient } from "../../src/kube/index";
import { LOCAL_POD_CIDR } from "../../src/local/compose";
import { feedSandboxIndex, routerScoped, SandboxIndex } from "../../src/router/index";
import { type LocalHandle, startLocalForTest } from "../support/local";
import { viaRouter } from "../support/sandbox-http";

setDefaultTimeout(240_000);

let local: LocalHandle;
let kube: KubeApi;
let proxy: Server<unknown>;
let routerUrl = "";
const scope = Effect.runSync(Scope.make());
let runtime: ManagedRuntime.ManagedRuntime<KubeClient, unknown> | undefined;

/** Faults the proxy injects: open upstream streams to abort, and how many watches to answer with 410. */
const faults = { open: new Set<AbortController>(), expireWatches: 0, expired: 0, broken: 0 };

const EXPIRED = `${JSON.stringify({
  type: "ERROR",
  object: {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    reason: "Expired",
    code: 410,
    message: "too old",
  },
})}\n`;

beforeAll(async () => {
  local = await startLocalForTest({ warmPoolReplicas: 1 });
  kube = kubeApi(local.kubeconfigPath, "default");
  const config = parse(await Bun.file(local.kubeconfigPath).text()) as {
    users: Array<{ user: { token: string } }>;
  };
  proxy = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.searchParams.get("watch") === "true" && faults.expireWatches > 0) {
        faults.expireWatches--;
        faults.expired++;
        return new Response(EXPIRED, { headers: { "content-type": "application/json" } });
      }
      const abort = new AbortController();
      faults.open.add(abort);
      const upstream = await fetch(`${local.apiUrl}${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: await req.arrayBuffer() }),
        signal: abort.signal,
        tls: { rejectUnauthorized: false },
      }).catch(() => new Response("upstream failed", { status: 502 }));
      if (upstream.body === null) faults.open.delete(abort);
      return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
    },
  });
  const proxyConfig = join(local.config.stateDir, "proxy-kubeconfig");
  writeFileSync(
    proxyConfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "proxy", cluster: { server: `http://127.0.0.1:${proxy.port}` } }],
      users: [{ name: "proxy", user: { token: config.users[0]?.user.token } }],
      contexts: [{ name: "proxy", context: { cluster: "proxy", user: "proxy" } }],
      "current-context": "proxy",
    }),
  );
  runtime = ManagedRuntime.make(KubeClient.layer(proxyConfig));
  const index = new SandboxIndex();
  const router = await runtime.runPromise(
    Scope.extend(
      Effect.gen(function* () {
        yield* Effect.forkScoped(feedSandboxIndex(index));
        return yield* routerScoped({
          hostname: "127.0.0.1",
          port: 0,
          metricsPort: null,
          auth: { mode: "none" },
          allowUnauthenticated: true,
          localPodCidrs: [LOCAL_POD_CIDR],
          index,
        });
      }),
      scope,
    ),
  );
  routerUrl = router.url;
  await poll(async () => index.isSynced || undefined, 60);
});

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void));
  await runtime?.dispose();
  proxy?.stop(true);
  await kube?.dispose();
  await local?.stop();
});

const echo = async (sandbox: string) =>
  (await poll(() => viaRouter(routerUrl, sandbox).result(`echo ${sandbox}`), 90, 250))?.stdout;

test("broken watch connections and 410 Expired: the router re-lists and routes new sandboxes", async () => {
  const ledger = new BindingLedger();
  await kube.createClaim("first", "python-sandbox-warmpool");
  const first = await readySandbox(kube, "first", 120);
  expect(await echo(first!)).toBe(`${first}\n`);

  faults.expireWatches = 4;
  for (const abort of faults.open) abort.abort();
  faults.broken = faults.open.size;
  faults.open.clear();
  await kube.createClaim("second", "python-sandbox-warmpool");
  const second = await readySandbox(kube, "second", 120);
  expect(second).not.toBe(first);

  // Routable only once the feed has re-listed past the 410s and seen the new sandbox.
  expect(await echo(second!)).toBe(`${second}\n`);
  expect(await echo(first!)).toBe(`${first}\n`);
  expect(faults.broken).toBeGreaterThan(0);
  expect(faults.expired).toBeGreaterThan(0);
  ledger.observe(await kube.listClaims());
  expect(ledger.details).toEqual([]);
});
