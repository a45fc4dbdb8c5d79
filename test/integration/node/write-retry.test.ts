// Writes the node agent must get through an API server outage, because no later event would send them
// again: a pod's status (a pod that never changes again would look unready forever: the claim whose sandbox
// pod came up during an API server restart never became Ready), its binding (it would stay Pending) and its
// final removal (it would stay Terminating). A proxy in front of the API server answers 503 to the writes
// under test while `refusing`; reads and watches pass.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { KubeClient } from "../../../src/kube/client";
import { refs } from "../../../src/kube/resources";
import { type NodeAgentHandle, runNodeAgent } from "../../../src/node/index";
import { startPassThroughProxy } from "../../support/pass-through-proxy";
import { type AnyPod, condition, eventually, podOf } from "./harness";

setDefaultTimeout(120_000);

/** A write the proxy refused: its method, path and body. */
interface Refused {
  readonly method: string;
  readonly path: string;
  readonly body: AnyPod;
}

/** Passes everything through to the API server, except that it answers 503 to the writes `refusing` picks. */
const startRefusingProxy = (upstream: string) => {
  const state = {
    refusing: undefined as ((method: string, path: string) => boolean) | undefined,
    refused: [] as Refused[],
  };
  const proxy = startPassThroughProxy(upstream, {
    intercept: async (req, url) => {
      if (req.method === "GET" || !state.refusing?.(req.method, url.pathname)) return undefined;
      const text = await req.text();
      state.refused.push({ method: req.method, path: url.pathname, body: text ? JSON.parse(text) : {} });
      return Response.json({ kind: "Status", status: "Failure", code: 503 }, { status: 503 });
    },
  });
  return { ...proxy, state };
};

let api: ApiServerHandle;
let proxy: ReturnType<typeof startRefusingProxy>;
let agent: NodeAgentHandle & { stop(): Promise<void> };
let stateDir: string;

beforeAll(async () => {
  stateDir = await realpath(await mkdtemp(join(tmpdir(), "node-write-retry-")));
  api = await startApiServer({ port: 0 });
  proxy = startRefusingProxy(api.url);
  agent = await runNodeAgent({
    stateDir,
    nodeName: "test-node",
    isolation: "none",
    kube: { url: proxy.url, token: api.token },
  });
});

afterAll(async () => {
  await agent?.stop();
  await proxy?.stop();
  await api?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
  Effect.runPromise(Effect.provide(effect, KubeClient.layer({ url: api.url, token: api.token })));

const getPod = (name: string) =>
  run(
    Effect.flatMap(KubeClient, (k) =>
      k.get<AnyPod>(refs.pod, name, { namespace: "default" }).pipe(
        Effect.map((p): AnyPod | undefined => p),
        Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
      ),
    ),
  );
const createPod = (name: string) =>
  run(
    Effect.flatMap(KubeClient, (k) =>
      k.create(refs.pod, podOf({ name, command: ["sleep", "3600"] }), { namespace: "default" }),
    ),
  );
const isReadyStatus = (status: AnyPod) => condition({ status }, "Ready") === "True";
/**
 * Waits for the agent's own retries: more refused writes to `path` (those `matching`) than the one request
 * (and its fallback) an agent that gives up makes.
 */
const refusedRepeatedly = (
  path: string,
  what: string,
  matching: (r: Refused) => boolean = () => true,
  limitMs?: number,
) =>
  eventually(
    () => proxy.state.refused.filter((r) => r.path === path && matching(r)).length,
    (refused) => refused > 4,
    what,
    limitMs,
  );

test("a Ready status refused by the API server is written once the server accepts writes again", async () => {
  const path = "/api/v1/namespaces/default/pods/steady/status";
  proxy.state.refusing = (method, p) => method === "PATCH" && p === path;
  await createPod("steady");
  // The agent has seen the container Ready and nothing will change again.
  await refusedRepeatedly(
    path,
    "repeated refused writes of the Ready status",
    (r) => isReadyStatus(r.body.status),
    90_000,
  );
  expect(isReadyStatus((await getPod("steady")).status ?? {})).toBe(false);
  proxy.state.refusing = undefined;
  const pod = await eventually(
    () => getPod("steady"),
    (p) => isReadyStatus(p.status ?? {}),
    "the pod Ready in the API",
  );
  expect(pod.status.phase).toBe("Running");
});

test("a pod whose binding was refused is bound and runs once the server accepts writes again", async () => {
  const binding = "/api/v1/namespaces/default/pods/unbound/binding";
  proxy.state.refusing = (_, p) => p === binding || p === "/api/v1/namespaces/default/pods/unbound";
  await createPod("unbound");
  await refusedRepeatedly(binding, "repeated refused bindings");
  expect((await getPod("unbound"))?.spec.nodeName).toBeUndefined();
  proxy.state.refusing = undefined;
  const pod = await eventually(
    () => getPod("unbound"),
    (p) => p?.spec.nodeName === "test-node" && p.status?.phase === "Running",
    "the pod bound and running",
  );
  expect(pod.spec.nodeName).toBe("test-node");
});

test("a deleted pod whose final removal was refused is removed once the server accepts writes again", async () => {
  const path = "/api/v1/namespaces/default/pods/leaving";
  await createPod("leaving");
  await eventually(
    () => getPod("leaving"),
    (p) => p?.status?.phase === "Running",
    "the pod running",
  );
  proxy.state.refusing = (method, p) => method === "DELETE" && p === path;
  // Deleted by someone else (straight to the API server); the agent stops it and then removes the object.
  await run(Effect.flatMap(KubeClient, (k) => k.delete(refs.pod, "leaving", { namespace: "default" })));
  await refusedRepeatedly(path, "repeated refused removals");
  expect((await getPod("leaving"))?.metadata.deletionTimestamp).toBeDefined();
  proxy.state.refusing = undefined;
  await eventually(
    () => getPod("leaving"),
    (p) => p === undefined,
    "the pod object gone",
  );
});
