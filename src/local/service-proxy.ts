// Local mode's kube-proxy: for every Service with a ClusterIP and a selector, a TCP listener on
// clusterIP:port that forwards each connection to a ready endpoint pod (podIP:targetPort). Endpoints are
// chosen when a connection arrives, from the informers' current view, so a restarted or rescheduled pod
// (new IP) is used from its next connection on.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { Effect, type Scope, Stream } from "effect";
import type { Informer } from "../kube/index";
import {
  type EndpointPod,
  isProxied,
  readyEndpoints,
  type Service,
  type ServicePort,
  targetPortOn,
} from "./service-routing";
import { splice } from "./splice";

const listenerKey = (ip: string, port: number) => `${ip}:${port}`;

const wanted = (services: readonly Service[]) => {
  const out = new Map<string, { namespace: string; name: string; port: ServicePort; ip: string }>();
  for (const svc of services) {
    if (!isProxied(svc)) continue;
    const ip = svc.spec!.clusterIP!;
    for (const port of svc.spec?.ports ?? []) {
      if ((port.protocol ?? "TCP") !== "TCP") continue;
      out.set(listenerKey(ip, port.port), {
        namespace: svc.metadata?.namespace ?? "default",
        name: svc.metadata?.name ?? "",
        port,
        ip,
      });
    }
  }
  return out;
};

/**
 * Keeps one listener per proxied Service port until the scope closes. A port another process holds is
 * reported and skipped (another local mode on this machine may have handed out the same address).
 */
export const runServiceProxy = (
  services: Informer<Service>,
  pods: Informer<EndpointPod>,
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const listeners = new Map<string, Server>();
    /** Which Service port each listener serves now (a Service recreated on the same address takes over). */
    let routes = wanted([]);
    /** Forwarded connections, ended when the proxy stops. */
    const open = new Set<Socket>();
    /** Round-robin position per Service port. */
    const turns = new Map<string, number>();

    const forward = (client: Socket, namespace: string, name: string, portNumber: number) => {
      const svc = services.get(name, namespace);
      const port = svc?.spec?.ports?.find((p) => p.port === portNumber);
      const endpoints = svc === undefined ? [] : readyEndpoints(svc, pods.list(namespace));
      const key = `${namespace}/${name}:${portNumber}`;
      const turn = turns.get(key) ?? 0;
      turns.set(key, turn + 1);
      const pod = endpoints[turn % Math.max(1, endpoints.length)];
      const target = port && pod ? targetPortOn(port, pod) : undefined;
      // No ready endpoint: the connection ends at once, as a rejecting kube-proxy rule would.
      if (pod === undefined || target === undefined) {
        client.destroy();
        return;
      }
      splice(client, createConnection({ host: pod.status!.podIP!, port: target }), open);
    };

    const sync = Effect.sync(() => {
      const want = wanted(services.list());
      routes = want;
      for (const [key, server] of listeners)
        if (!want.has(key)) {
          server.close();
          listeners.delete(key);
        }
      for (const [key, w] of want) {
        if (listeners.has(key)) continue;
        const server = createServer((client) => {
          const route = routes.get(key);
          if (route === undefined) client.destroy();
          else forward(client, route.namespace, route.name, route.port.port);
        });
        listeners.set(key, server);
        server.on("error", (error) => {
          listeners.delete(key);
          Effect.runFork(
            Effect.logWarning(`service ${w.namespace}/${w.name}: cannot listen on ${key}: ${error.message}`),
          );
        });
        server.listen({ host: w.ip, port: w.port.port });
      }
    });

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const server of listeners.values()) server.close();
        listeners.clear();
        for (const socket of open) socket.destroy();
      }),
    );
    yield* services.waitForSync;
    yield* sync;
    yield* Effect.forkScoped(Stream.runForEach(services.changes, () => sync));
  });
