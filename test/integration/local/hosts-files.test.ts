// Local mode's hosts files over real informers: a namespace's file appears when its first pod asks for it,
// follows its Services as they come, and goes once the namespace has no pod left (a later pod brings it back).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Exit, Scope } from "effect";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { KubeClient, type KubeClientApi, makeInformer, refs, typedRef } from "../../../src/kube/index";
import { type HostsFiles, runHostsFiles } from "../../../src/local/hosts-file";
import type { EndpointPod, Service } from "../../../src/local/service-routing";
import { until } from "../../support/until";

setDefaultTimeout(60_000);

const NS = "default";
let api: ApiServerHandle;
let kube: KubeClientApi;
let scope: Scope.CloseableScope;
let hosts: HostsFiles;
let podsSeen: () => number;
const dir = mkdtempSync(join(tmpdir(), "hosts-files-"));

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
  Effect.runPromise(Effect.provideService(effect, KubeClient, kube));
const pod = (name: string) =>
  run(
    kube.create(refs.pod, {
      metadata: { name, namespace: NS },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    }),
  );
const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

beforeAll(async () => {
  api = await startApiServer({ port: 0 });
  kube = await Effect.runPromise(
    Effect.provide(KubeClient, KubeClient.layer({ url: api.url, token: api.token, fetch: api.fetch })),
  );
  scope = Effect.runSync(Scope.make());
  hosts = await Effect.runPromise(
    Effect.gen(function* () {
      const services = yield* makeInformer(typedRef<Service>(refs.service));
      const pods = yield* makeInformer(typedRef<EndpointPod>(refs.pod));
      podsSeen = () => pods.list(NS).length;
      return yield* runHostsFiles(dir, services, pods);
    }).pipe(Effect.provideService(KubeClient, kube), Scope.extend(scope)),
  );
});

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void));
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a namespace's file lives while it has pods, follows its Services, and comes back with a new pod", async () => {
  // The node agent asks for the file as it starts a pod, which the shared informer has already seen.
  await pod("first");
  await until("the pod in the informer", async () => (podsSeen() > 0 ? true : undefined));
  const path = hosts.pathFor(NS);
  expect(read(path)).toContain("# Services of local mode");

  await run(
    kube.create(refs.service, { metadata: { name: "web", namespace: NS }, spec: { ports: [{ port: 80 }] } }),
  );
  await until("the Service in the file", async () =>
    read(path)?.includes(" web.default.svc ") ? true : undefined,
  );

  await run(kube.delete(refs.pod, "first", { namespace: NS, gracePeriodSeconds: 0 }));
  await until("the file gone with the last pod", async () => (read(path) === undefined ? true : undefined));

  await pod("second");
  await until("the new pod in the informer", async () => (podsSeen() > 0 ? true : undefined));
  expect(read(hosts.pathFor(NS))).toContain("web.default.svc.cluster.local");
});
