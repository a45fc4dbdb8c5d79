// Local mode's Deployment controller against an embedded API server, driven with kubectl: pods owned by
// the Deployment and labelled with the template hash, `kubectl rollout status` and `kubectl wait` once the
// pods are ready (the test plays the kubelet), scale through the scale subresource, a rolling image change
// that keeps the old pod until the new one is ready, and the pods' removal with the Deployment.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { Effect, Exit, Scope } from "effect";
import { KubeClient, type KubeClientApi, refs } from "../../../src/kube/index";
import { POD_TEMPLATE_HASH } from "../../../src/local/deployment-plan";
import { runDeploymentController } from "../../../src/local/deployments";
import { until } from "../../support/until";
import { type Cluster, startCluster } from "../deploy/kubectl";

setDefaultTimeout(60_000);

interface PodView {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  spec: { containers: { image: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

let cluster: Cluster;
let kube: KubeClientApi;
let scope: Scope.CloseableScope;

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
  Effect.runPromise(Effect.provideService(effect, KubeClient, kube));

const livePods = async (): Promise<PodView[]> =>
  ((await run(kube.list(refs.pod, { namespace: "default" }))).items as unknown as PodView[]).filter(
    (p) => p.metadata.deletionTimestamp === undefined,
  );

/** The kubelet's part: every pod reports Ready. */
const markReady = async () => {
  for (const pod of await livePods())
    if (!pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      await run(
        kube.patchStatus(
          refs.pod,
          pod.metadata.name,
          {
            type: "merge",
            body: { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } },
          },
          { namespace: "default" },
        ),
      );
};

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: c, image: "busybox:1" }] }
`;

beforeAll(async () => {
  cluster = await startCluster();
  const layer = KubeClient.layer(cluster.kubeconfigPath);
  kube = await Effect.runPromise(Effect.provide(KubeClient, layer));
  scope = Effect.runSync(Scope.make());
  await Effect.runPromise(
    runDeploymentController().pipe(Effect.provideService(KubeClient, kube), Scope.extend(scope)),
  );
});

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void));
  await cluster?.stop();
});

test("a Deployment gets its replicas as owned pods and rolls out once they are ready", async () => {
  await cluster.apply(deployment);
  const pods = await until("the pods", async () => {
    const live = await livePods();
    return live.length === 2 ? live : undefined;
  });
  for (const pod of pods) {
    expect(pod.metadata.labels?.app).toBe("web");
    expect(pod.metadata.labels?.[POD_TEMPLATE_HASH]).toMatch(/^[a-z0-9]{7}$/);
    expect(pod.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Deployment", name: "web", controller: true }),
    ]);
  }
  await markReady();
  await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=30s"]);
  await cluster.kubectlOk(["wait", "--for=condition=Available", "deployment/web", "--timeout=30s"]);
  const status = JSON.parse(
    await cluster.kubectlOk(["get", "deployment", "web", "-o", "jsonpath={.status}"]),
  );
  expect(status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
});

test("scaling through the scale subresource removes a pod", async () => {
  await cluster.kubectlOk(["scale", "deployment/web", "--replicas=1"]);
  await until("the pods", async () => ((await livePods()).length === 1 ? true : undefined));
  await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=30s"]);
});

test("a new image rolls: the old pod stays until the new one is ready, then goes", async () => {
  const [old] = await livePods();
  await cluster.kubectlOk(["set", "image", "deployment/web", "c=busybox:2"]);
  const fresh = await until("the pods", async () =>
    (await livePods()).find((p) => p.spec.containers[0]!.image === "busybox:2"),
  );
  expect(fresh.metadata.labels?.[POD_TEMPLATE_HASH]).not.toBe(old!.metadata.labels?.[POD_TEMPLATE_HASH]);
  expect((await livePods()).map((p) => p.metadata.uid)).toContain(old!.metadata.uid);
  await markReady();
  await until("the pods", async () => {
    const live = await livePods();
    return live.length === 1 && live[0]!.metadata.uid === fresh.metadata.uid ? true : undefined;
  });
  await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=30s"]);
});

test("deleting the Deployment removes its pods", async () => {
  await cluster.kubectlOk(["delete", "deployment", "web", "--wait=true"]);
  await until("the pods", async () => ((await livePods()).length === 0 ? true : undefined));
});
