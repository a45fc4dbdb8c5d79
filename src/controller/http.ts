// The controller's plain-HTTP endpoints: /metrics, and the /healthz and /readyz probes.
import { Effect, type Scope } from "effect";

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Parses Go-style bind addresses (":8080", "127.0.0.1:0"); "0" disables the endpoint, as upstream. */
export const parseAddress = (value: string): Address | undefined => {
  if (value === "0" || value === "") return undefined;
  const colon = value.lastIndexOf(":");
  if (colon === -1) throw new Error(`bind address "${value}" must be host:port or :port`);
  const port = Number(value.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`bind address "${value}" has an invalid port`);
  const host = value.slice(0, colon) || "0.0.0.0";
  return { host, port };
};

export type Routes = Readonly<Record<string, () => Response>>;

/** Serves fixed routes until the scope closes; yields the bound port (useful with port 0). */
export const serveRoutes = (address: Address, routes: Routes): Effect.Effect<number, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() =>
      Bun.serve({
        hostname: address.host,
        port: address.port,
        fetch: (req) => {
          const route = routes[new URL(req.url).pathname];
          return route ? route() : new Response("not found\n", { status: 404 });
        },
      }),
    ),
    (server) => Effect.promise(() => server.stop(true)),
  ).pipe(Effect.map((server) => server.port ?? address.port));

export const probeRoutes = (ready: () => boolean): Routes => ({
  "/healthz": () => new Response("ok"),
  "/readyz": () => (ready() ? new Response("ok") : new Response("caches not synced", { status: 503 })),
});

export const metricsRoutes = (expose: () => string): Routes => ({
  "/metrics": () => new Response(expose(), { headers: { "content-type": "text/plain; version=0.0.4" } }),
});
