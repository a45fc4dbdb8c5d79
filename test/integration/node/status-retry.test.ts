// A pod status write that fails (API server down or erroring) is retried until it lands: after an outage a
// pod that never changes again must not stay unready in the API forever (it did: the claim whose sandbox pod
// came up during an API server restart never became Ready).
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

const POD = "steady";
const isReadyStatus = (status: AnyPod) => condition({ status }, "Ready") === "True";

/** Passes everything through to the API server, except that it answers 503 to this pod's status writes while `failing`. */
const startFaultyProxy = (upstream: string) => {
  const state = { failing: true, rejected: [] as AnyPod[] };
  const proxy = startPassThroughProxy(upstream, {
    intercept: async (req, url) => {
      if (!state.failing || req.method !== "PATCH" || !url.pathname.endsWith(`/pods/${POD}/status`))
        return undefined;
      state.rejected.push(((await req.json()) as AnyPod).status);
      return Response.json({ kind: "Status", status: "Failure", code: 503 }, { status: 503 });
    },
  });
  return { ...proxy, state };
};

let api: ApiServerHandle;
let proxy: ReturnType<typeof startFaultyProxy>;
let agent: NodeAgentHandle & { stop(): Promise<void> };
let stateDir: string;

beforeAll(async () => {
  stateDir = await realpath(await mkdtemp(join(tmpdir(), "node-status-retry-")));
  api = await startApiServer({ port: 0 });
  proxy = startFaultyProxy(api.url);
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

const getPod = () =>
  run(Effect.flatMap(KubeClient, (k) => k.get<AnyPod>(refs.pod, POD, { namespace: "default" })));

test("a Ready status rejected by the API server is written once the server accepts writes again", async () => {
  await run(
    Effect.flatMap(KubeClient, (k) =>
      k.create(refs.pod, podOf({ name: POD, command: ["sleep", "3600"] }), { namespace: "default" }),
    ),
  );
  // The agent has seen the container Ready and nothing will change again. Without the agent's own retry
  // the refusals stop at the client's retries of one request (2 seen here); more prove the agent tries again.
  await eventually(
    () => proxy.state.rejected.filter(isReadyStatus).length,
    (refused) => refused > 5,
    "repeated refused writes of the Ready status",
    90_000,
  );
  expect(isReadyStatus((await getPod()).status ?? {})).toBe(false);

  proxy.state.failing = false;
  const pod = await eventually(getPod, (p) => isReadyStatus(p.status ?? {}), "the pod Ready in the API");
  expect(pod.status.phase).toBe("Running");
});
