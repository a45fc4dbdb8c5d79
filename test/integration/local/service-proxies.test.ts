// Local mode's Service proxy and cluster-name proxy over real sockets: an embedded API server holds a
// Service and its pods (their "containers" are HTTP servers on loopback pod IPs), connections to the
// ClusterIP reach a ready pod by named or numeric targetPort, follow a pod that moved to a new IP, and
// end when no pod is ready; curl and fetch reach the Service by its cluster name through the HTTP proxy.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { connect } from "node:net";
import { Effect, Exit, Scope } from "effect";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { KubeClient, type KubeClientApi, makeInformer, refs, typedRef } from "../../../src/kube/index";
import { startClusterProxy } from "../../../src/local/cluster-proxy";
import { runServiceProxy } from "../../../src/local/service-proxy";
import type { EndpointPod, Service } from "../../../src/local/service-routing";
import { until } from "../../support/until";

setDefaultTimeout(60_000);

const NS = "default";
let api: ApiServerHandle;
let kube: KubeClientApi;
let scope: Scope.CloseableScope;
let proxyUrl: string;
const backends: ReturnType<typeof Bun.serve>[] = [];

/** An HTTP server standing in for a pod's container, on a loopback pod IP. */
const backend = (ip: string, reply: string, port = 0) => {
  const server = Bun.serve({
    hostname: ip,
    port,
    fetch: (req) => new Response(`${reply} ${new URL(req.url).pathname}`),
  });
  backends.push(server);
  return server.port!;
};

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
  Effect.runPromise(Effect.provideService(effect, KubeClient, kube));

const setPod = async (name: string, ip: string, port: number, ready: boolean) => {
  const existing = await run(kube.get(refs.pod, name, { namespace: NS }).pipe(Effect.option));
  if (existing._tag === "None")
    await run(
      kube.create(refs.pod, {
        metadata: { name, namespace: NS, labels: { app: "web" } },
        spec: {
          containers: [{ name: "c", image: "busybox", ports: [{ name: "http", containerPort: port }] }],
        },
      }),
    );
  else
    await run(
      kube.patch(
        refs.pod,
        name,
        {
          type: "json",
          body: [{ op: "replace", path: "/spec/containers/0/ports/0/containerPort", value: port }],
        },
        { namespace: NS },
      ),
    );
  await run(
    kube.patchStatus(
      refs.pod,
      name,
      {
        type: "merge",
        body: { status: { podIP: ip, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } },
      },
      { namespace: NS },
    ),
  );
};

const clusterIpOf = async (name: string) =>
  ((await run(kube.get(refs.service, name, { namespace: NS }))) as Service).spec!.clusterIP!;

/** Retries until `check` holds (informers see writes a moment later); a failed attempt is a "not yet". */
const eventually = (what: string, check: () => Promise<boolean>) =>
  until(what, async () => ((await check().catch(() => false)) ? true : undefined), 20);

const get = (url: string, init: { proxy?: string } = {}) =>
  // A fresh connection each time: an established one stays with the pod it was forwarded to, as in a cluster.
  fetch(url, { ...init, headers: { connection: "close" }, signal: AbortSignal.timeout(5000) }).then(
    async (r) => `${r.status} ${await r.text()}`,
  );

const curl = async (args: string[]) => {
  const proc = Bun.spawn(["curl", "-s", "--max-time", "5", ...args], {
    env: { PATH: process.env.PATH ?? "", http_proxy: proxyUrl, no_proxy: "127.0.0.1,localhost" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return out;
};

beforeAll(async () => {
  api = await startApiServer({ port: 0 });
  const layer = KubeClient.layer({ url: api.url, token: api.token });
  kube = await Effect.runPromise(Effect.provide(KubeClient, layer));
  scope = Effect.runSync(Scope.make());
  const proxy = await Effect.runPromise(
    Effect.gen(function* () {
      const services = yield* makeInformer(typedRef<Service>(refs.service));
      const pods = yield* makeInformer(typedRef<EndpointPod>(refs.pod));
      yield* runServiceProxy(services, pods);
      return yield* startClusterProxy({ host: "127.0.0.1", port: 0, namespace: NS, services, pods });
    }).pipe(Effect.provideService(KubeClient, kube), Scope.extend(scope)),
  );
  proxyUrl = proxy.url;
  await run(
    kube.create(refs.service, {
      metadata: { name: "web", namespace: NS },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 8080, targetPort: "http" }] },
    }),
  );
  await run(
    kube.create(refs.service, {
      metadata: { name: "direct", namespace: NS },
      spec: { selector: { app: "web" }, ports: [{ port: 8081, targetPort: 9999 }] },
    }),
  );
});

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void));
  for (const b of backends) b.stop(true);
  await api?.stop();
});

test("the ClusterIP forwards to the ready pod's named port, and follows the pod to a new IP", async () => {
  const ip = await clusterIpOf("web");
  expect(ip).toMatch(/^127\.96\./);
  const port = backend("127.1.251.1", "first");
  await setPod("web-1", "127.1.251.1", port, true);
  await eventually(
    "the first pod through the ClusterIP",
    async () => (await get(`http://${ip}:8080/a`)) === "200 first /a",
  );
  // The pod comes back with a new IP (as a recreated pod does). The next connection goes there.
  await setPod("web-1", "127.1.251.2", backend("127.1.251.2", "second", port), true);
  await eventually(
    "the moved pod through the ClusterIP",
    async () => (await get(`http://${ip}:8080/b`)) === "200 second /b",
  );
});

test("with no ready pod a connection ends at once", async () => {
  const ip = await clusterIpOf("web");
  const port = backends.at(-1)!.port!;
  await setPod("web-1", "127.1.251.2", port, false);
  await eventually("a closed connection with no ready pod", async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: ip, port: 8080 }, () =>
        socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      let data = "";
      socket.on("data", (d) => {
        data += d;
      });
      socket.on("close", () => resolve(data === ""));
      socket.on("error", () => resolve(true));
    });
    return closed;
  });
  await setPod("web-1", "127.1.251.2", port, true);
  await eventually(
    "the pod back behind the ClusterIP",
    async () => (await get(`http://${ip}:8080/f`)) === "200 second /f",
  );
});

test("a numeric targetPort is dialled as given, whatever the pod's named ports say", async () => {
  const ip = await clusterIpOf("direct");
  backends.push(Bun.serve({ hostname: "127.1.251.2", port: 9999, fetch: () => new Response("nine") }));
  await eventually("the numeric targetPort", async () => (await get(`http://${ip}:8081/`)) === "200 nine");
});

test("curl and fetch reach the Service by every form of its cluster name through the proxy", async () => {
  for (const host of ["web.default.svc.cluster.local", "web.default.svc", "web.default", "web"])
    await eventually(`curl to ${host}`, async () => (await curl([`http://${host}:8080/c`])) === "second /c");
  expect(await get("http://web.default.svc.cluster.local:8080/d", { proxy: proxyUrl })).toBe("200 second /d");
  // CONNECT: curl tunnels through the proxy when asked to.
  expect(await curl(["-p", "http://web.default.svc.cluster.local:8080/e"])).toBe("second /e");
});

test("names that are not Services are refused with a reason", async () => {
  expect(await get("http://missing.default.svc.cluster.local:8080/", { proxy: proxyUrl })).toBe(
    "502 no Service missing in namespace default\n",
  );
  expect(await get("http://example.com.evil.org/", { proxy: proxyUrl })).toContain(
    "502 example.com.evil.org is not a cluster Service name",
  );
  const res = await fetch(proxyUrl);
  expect(res.status).toBe(400);
});

test("a headless Service's name reaches a ready pod directly", async () => {
  await run(
    kube.create(refs.service, {
      metadata: { name: "each", namespace: NS },
      spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 8080 }] },
    }),
  );
  await eventually(
    "the headless Service's pod",
    async () => (await curl([`http://each.default.svc.cluster.local:9999/`])) === "nine",
  );
});

test("a WebSocket upgrade in absolute form is relayed to the Service and spliced", async () => {
  const ws = Bun.serve({
    hostname: "127.1.251.2",
    port: 0,
    fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no upgrade", { status: 400 })),
    websocket: {
      message: (socket, message) => {
        socket.send(message);
      },
    },
  });
  backends.push(ws);
  const proxy = new URL(proxyUrl);
  const received = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect({ host: proxy.hostname, port: Number(proxy.port) }, () =>
      socket.write(
        `GET http://each.default.svc.cluster.local:${ws.port}/ws HTTP/1.1\r\nHost: each.default.svc.cluster.local:${ws.port}\r\n` +
          "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      ),
    );
    let data = Buffer.alloc(0);
    let sent = false;
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf("\r\n\r\n");
      if (!sent && end >= 0) {
        sent = true;
        // A masked text frame "hi" from the client.
        const mask = [1, 2, 3, 4];
        socket.write(Buffer.from([0x81, 0x82, ...mask, "h".charCodeAt(0) ^ 1, "i".charCodeAt(0) ^ 2]));
      }
      if (end >= 0 && data.length >= end + 4 + 4) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("error", reject);
  });
  const text = received.toString("latin1");
  expect(text.startsWith("HTTP/1.1 101")).toBe(true);
  expect(received.subarray(received.indexOf("\r\n\r\n") + 4)).toEqual(Buffer.from([0x81, 0x02, 0x68, 0x69]));
});
