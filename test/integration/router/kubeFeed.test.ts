// The cluster wiring against the embedded API server: Sandbox and SandboxClaim changes reach the router's
// index through real list+watch (the router's own watches, or informers it shares as in local mode), and
// requests route by name with no Pod-IP header.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import type { Server } from "bun";
import { Effect, Exit, Layer, Scope } from "effect";
import { parse } from "yaml";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { KubeClient, type KubeObject, makeInformer, refs } from "../../../src/kube";
import {
  feedSandboxIndex,
  feedSandboxIndexFrom,
  type RouterHandle,
  SandboxIndex,
} from "../../../src/router/index";
import { POD_IP, startBackend, startTestRouter } from "./helpers";

const root = `${import.meta.dir}/../../..`;
let api: ApiServerHandle;
let backend: Server<unknown>;
let router: RouterHandle;
let scope: Scope.CloseableScope;
let layer: Layer.Layer<KubeClient>;

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
  Effect.runPromise(Effect.provide(effect, layer));

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await Bun.sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const routeTo = (id: string) =>
  fetch(`${router.url}/feed`, { headers: { "x-sandbox-id": id, "x-sandbox-port": String(backend.port) } });

beforeAll(async () => {
  api = await startApiServer({ port: 0 });
  layer = Layer.orDie(KubeClient.layer({ url: api.url, token: api.token }));
  for (const file of readdirSync(`${root}/crds`).filter((f) => f.endsWith(".yaml"))) {
    const crd = parse(readFileSync(`${root}/crds/${file}`, "utf8")) as KubeObject;
    await run(KubeClient.pipe(Effect.flatMap((c) => c.create(refs.customResourceDefinition, crd))));
  }
  backend = startBackend() as Server<unknown>;
}, 60_000);

afterAll(async () => {
  await backend.stop(true);
  await api.stop();
});

/** Each way of feeding the index, started in `scope`. */
const feeds = {
  "own watches": (index: SandboxIndex) => feedSandboxIndex(index),
  "shared informers": (index: SandboxIndex) =>
    Effect.gen(function* () {
      const sandboxes = yield* makeInformer(refs.sandbox);
      const claims = yield* makeInformer(refs.sandboxClaim);
      yield* Effect.forkScoped(feedSandboxIndexFrom(index, { sandboxes, claims }));
    }),
};

describe.each(Object.entries(feeds))("fed by %s", (how, feed) => {
  const prefix = how === "own watches" ? "own" : "shared";
  beforeAll(async () => {
    const index = new SandboxIndex();
    router = await startTestRouter({ index });
    scope = Effect.runSync(Scope.make());
    await Effect.runPromise(feed(index).pipe(Effect.provide(layer), Scope.extend(scope)));
  });

  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void));
    await router.stop();
  });

  test("readiness waits for the initial lists; names and claim names then route to the ready pod", async () => {
    await until(
      async () => (await fetch(`${router.metricsUrl}/readyz`)).status === 200,
      "/readyz after sync",
    );

    const sandbox = {
      apiVersion: "agents.x-k8s.io/v1beta1",
      kind: "Sandbox",
      metadata: { name: `${prefix}-sb`, namespace: "default" },
      spec: { podTemplate: { spec: { containers: [{ name: "runtime", image: "runtime" }] } } },
    } as KubeObject;
    await run(KubeClient.pipe(Effect.flatMap((c) => c.create(refs.sandbox, sandbox))));
    // Not ready yet: the index has nothing, so the router falls back to DNS, which does not resolve here.
    expect((await routeTo(`${prefix}-sb`)).status).toBe(502);

    await run(
      KubeClient.pipe(
        Effect.flatMap((c) =>
          c.patchStatus(refs.sandbox, `${prefix}-sb`, {
            type: "merge",
            body: {
              status: {
                podIPs: [POD_IP],
                conditions: [
                  {
                    type: "Ready",
                    status: "True",
                    reason: "Ready",
                    message: "",
                    lastTransitionTime: new Date().toISOString(),
                  },
                ],
              },
            },
          }),
        ),
      ),
    );
    await until(async () => (await routeTo(`${prefix}-sb`)).status === 200, "the sandbox to route by name");

    const claim = {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxClaim",
      metadata: { name: `${prefix}-claim`, namespace: "default" },
      spec: { warmPoolRef: { name: "pool" } },
    } as KubeObject;
    await run(KubeClient.pipe(Effect.flatMap((c) => c.create(refs.sandboxClaim, claim))));
    await run(
      KubeClient.pipe(
        Effect.flatMap((c) =>
          c.patchStatus(refs.sandboxClaim, `${prefix}-claim`, {
            type: "merge",
            body: { status: { sandbox: { name: `${prefix}-sb` } } },
          }),
        ),
      ),
    );
    await until(async () => (await routeTo(`${prefix}-claim`)).status === 200, "the claim name to route");

    await run(KubeClient.pipe(Effect.flatMap((c) => c.delete(refs.sandbox, `${prefix}-sb`))));
    await until(
      async () => (await routeTo(`${prefix}-sb`)).status === 502,
      "the deleted sandbox to leave the index",
    );
  }, 60_000);
});
