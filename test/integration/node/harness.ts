import { afterAll, beforeAll, setDefaultTimeout } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { KubeClient, type KubeClientApi } from "../../../src/kube/client";
import { refs } from "../../../src/kube/resources";
import { type NodeAgentHandle, type NodeAgentOptions, runNodeAgent } from "../../../src/node/index";

// These suites start real servers and processes on a shared, slow machine: allow each test and hook a minute.
setDefaultTimeout(60_000);

export interface Cluster {
  readonly api: ApiServerHandle;
  readonly agent: NodeAgentHandle & { stop(): Promise<void> };
  readonly kube: KubeClientApi;
  readonly stateDir: string;
  /** Runs an Effect against the cluster's API server. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, KubeClient>) => Promise<A>;
  stop(): Promise<void>;
}

/** A real embedded API server and a node agent on it, with fast restart backoff for tests. */
export const startCluster = async (options: Partial<NodeAgentOptions> = {}): Promise<Cluster> => {
  const stateDir = await realpath(await mkdtemp(join(tmpdir(), "node-agent-test-")));
  const api = await startApiServer({ port: 0 });
  const source = { url: api.url, token: api.token };
  const layer = KubeClient.layer(source);
  const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
    Effect.runPromise(Effect.provide(effect, layer));
  const kube = await run(KubeClient);
  const agent = await runNodeAgent({
    stateDir,
    nodeName: "test-node",
    restartBackoff: { baseMs: 100, capMs: 400 },
    maxGracePeriodSeconds: 5,
    ...options,
    kube: source,
  });
  api.setPodLogSource(agent.podLogSource);
  return {
    api,
    agent,
    kube,
    stateDir,
    run,
    stop: async () => {
      await agent.stop();
      await api.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
};

/**
 * Starts a cluster before the tests of the enclosing file or describe block and stops it after them; the
 * returned function reads it from those tests and later hooks.
 */
export const clusterForSuite = (options: Partial<NodeAgentOptions> = {}): (() => Cluster) => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
  });
  afterAll(() => cluster?.stop());
  return () => {
    if (cluster === undefined)
      throw new Error("the suite's cluster is started in beforeAll; read it from tests");
    return cluster;
  };
};

export interface PodSketch {
  readonly name: string;
  readonly image?: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly restartPolicy?: "Always" | "OnFailure" | "Never";
  readonly container?: Record<string, unknown>;
  readonly spec?: Record<string, unknown>;
}

export const podOf = (p: PodSketch) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: p.name, namespace: "default" },
  spec: {
    restartPolicy: p.restartPolicy ?? "Always",
    terminationGracePeriodSeconds: 2,
    containers: [
      {
        name: "main",
        image: p.image ?? "busybox:1.36",
        ...(p.command ? { command: p.command } : {}),
        ...(p.args ? { args: p.args } : {}),
        ...p.container,
      },
    ],
    ...p.spec,
  },
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary status fields
export type AnyPod = any;

export const createPod = (cluster: Cluster, p: PodSketch) =>
  cluster.run(Effect.flatMap(KubeClient, (k) => k.create(refs.pod, podOf(p), { namespace: "default" })));

export const getPod = (cluster: Cluster, name: string): Promise<AnyPod | undefined> =>
  cluster.run(
    Effect.flatMap(KubeClient, (k) => k.get(refs.pod, name, { namespace: "default" })).pipe(
      Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
    ),
  );

export const deletePod = (cluster: Cluster, name: string) =>
  cluster.run(Effect.flatMap(KubeClient, (k) => k.delete(refs.pod, name, { namespace: "default" })));

/** Polls until `check` holds; the bound is generous because the machine is shared and slow. */
export const eventually = async <T>(
  probe: () => Promise<T> | T,
  check: (value: T) => boolean,
  what: string,
  limitMs = 30_000,
): Promise<T> => {
  const deadline = Date.now() + limitMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (check(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await Bun.sleep(50);
  }
};

export const podWhere = (cluster: Cluster, name: string, check: (pod: AnyPod) => boolean, what: string) =>
  eventually(
    () => getPod(cluster, name),
    (pod) => pod !== undefined && check(pod),
    `pod ${name}: ${what}`,
  );

/** Waits until the pod object `name` is gone from the API server. */
export const podGone = (cluster: Cluster, name: string) =>
  eventually(
    () => getPod(cluster, name),
    (pod) => pod === undefined,
    `pod ${name} to go`,
  );

/** Deletes the pod and waits until its object is gone. */
export const removePod = async (cluster: Cluster, name: string) => {
  await deletePod(cluster, name);
  await podGone(cluster, name);
};

export const condition = (pod: AnyPod, type: string): string | undefined =>
  pod?.status?.conditions?.find((c: { type: string }) => c.type === type)?.status;

/** Pids of live processes whose command line or environment contains `marker` (works across pid namespaces). */
export const processesWith = (marker: string): number[] =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        if (/^\d+ \(.*\) Z/.test(stat)) return false;
        return (
          readFileSync(`/proc/${d}/cmdline`, "utf8").includes(marker) ||
          readFileSync(`/proc/${d}/environ`, "utf8").includes(marker)
        );
      } catch {
        return false;
      }
    })
    .map(Number);

/** Waits until no live process carries `marker`: what is left once a pod's processes have all stopped. */
export const noProcessesWith = (marker: string, what: string) =>
  eventually(
    () => processesWith(marker),
    (pids) => pids.length === 0,
    what,
  );

export const podLog = async (cluster: Cluster, name: string, query = ""): Promise<string> => {
  const res = await fetch(`${cluster.api.url}/api/v1/namespaces/default/pods/${name}/log${query}`, {
    headers: { authorization: `Bearer ${cluster.api.token}` },
  });
  return res.text();
};
