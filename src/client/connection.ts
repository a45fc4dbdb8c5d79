// How requests reach a claimed sandbox, in the Python SDK's connection modes: a router URL given directly,
// the address of a Gateway in front of the router, or straight to the pod from inside the cluster.
import { Duration, Effect, Schedule } from "effect";
import { KubeClient } from "../kube/client";
import type { KubeObject } from "../kube/object";
import type { ResourceRef } from "../kube/resources";
import { preferredPodIP } from "./claim-status";
import { ConnectionConfigError } from "./errors";
import type { Route } from "./transport";

export const DEFAULT_SERVER_PORT = 8888;

export type ConnectionConfig =
  /** A router URL (the Python SDK's `api_url`); `SANDBOX_ROUTER_URL` when no config is given. */
  | { readonly mode: "direct"; readonly routerUrl: string; readonly serverPort?: number }
  /** The router behind a Gateway API Gateway: its first status address. */
  | {
      readonly mode: "gateway";
      readonly gatewayName: string;
      readonly gatewayNamespace?: string;
      readonly scheme?: "http" | "https";
      readonly readyTimeoutSeconds?: number;
      readonly serverPort?: number;
    }
  /** From a pod in the same cluster: the sandbox pod's IP, else its Service DNS name; no router. */
  | { readonly mode: "in-cluster"; readonly serverPort?: number; readonly clusterDomain?: string };

/** Where a sandbox is: what the router headers and direct addresses are built from. */
export interface SandboxLocation {
  readonly sandboxName: string;
  readonly namespace: string;
  readonly podIPs: ReadonlyArray<string>;
}

/** Builds routes for sandboxes; resolving a Gateway address happens once, up front. */
export type Router = (location: SandboxLocation) => Route;

export const connectionFromEnv = (env: Record<string, string | undefined> = process.env) =>
  env.SANDBOX_ROUTER_URL
    ? Effect.succeed<ConnectionConfig>({ mode: "direct", routerUrl: env.SANDBOX_ROUTER_URL })
    : Effect.fail(
        new ConnectionConfigError({
          message:
            "no connection configured: pass `connection` (direct router URL, gateway or in-cluster) or set SANDBOX_ROUTER_URL",
        }),
      );

const routerHeaders = (location: SandboxLocation, serverPort: number): Record<string, string> => {
  const podIP = preferredPodIP(location.podIPs);
  return {
    "X-Sandbox-ID": location.sandboxName,
    "X-Sandbox-Namespace": location.namespace,
    "X-Sandbox-Port": String(serverPort),
    ...(podIP ? { "X-Sandbox-Pod-IP": podIP } : {}),
  };
};

const hostForUrl = (address: string): string => (address.includes(":") ? `[${address}]` : address);

const gatewayRef: ResourceRef<Gateway> = {
  group: "gateway.networking.k8s.io",
  version: "v1",
  plural: "gateways",
  kind: "Gateway",
  namespaced: true,
};

interface Gateway extends KubeObject {
  status?: { addresses?: ReadonlyArray<{ value?: string }> };
}

/** Polls the Gateway every second until it has an address (the Python SDK watches; the outcome is the same). */
const gatewayAddress = (name: string, namespace: string, timeoutSeconds: number) =>
  Effect.flatMap(KubeClient, (kube) =>
    kube.get(gatewayRef, name, { namespace }).pipe(
      Effect.map((gateway) => gateway.status?.addresses?.[0]?.value),
      Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
      Effect.repeat(
        Schedule.recurUntil((value: string | undefined) => value !== undefined).pipe(
          Schedule.addDelay(() => Duration.seconds(1)),
        ),
      ),
      Effect.mapError(
        (e) => new ConnectionConfigError({ message: `Gateway ${namespace}/${name}: ${e.message}` }),
      ),
      Effect.timeoutFail({
        duration: Duration.seconds(timeoutSeconds),
        onTimeout: () =>
          new ConnectionConfigError({
            message: `Gateway ${namespace}/${name} has no address after ${timeoutSeconds} s`,
          }),
      }),
      Effect.map((value) => value ?? ""),
    ),
  );

/** Turns a connection config into a function from sandbox location to route. */
export const makeRouter = (
  config: ConnectionConfig,
): Effect.Effect<Router, ConnectionConfigError, KubeClient> => {
  const port = config.serverPort ?? DEFAULT_SERVER_PORT;
  switch (config.mode) {
    case "direct":
      return Effect.succeed((location) => ({
        baseUrl: config.routerUrl,
        headers: routerHeaders(location, port),
      }));
    case "gateway":
      return gatewayAddress(
        config.gatewayName,
        config.gatewayNamespace ?? "default",
        config.readyTimeoutSeconds ?? 180,
      ).pipe(
        Effect.map((address) => {
          const baseUrl = `${config.scheme ?? "http"}://${hostForUrl(address)}`;
          return (location: SandboxLocation) => ({ baseUrl, headers: routerHeaders(location, port) });
        }),
      );
    case "in-cluster":
      return Effect.succeed((location) => {
        const podIP = preferredPodIP(location.podIPs);
        const host = podIP
          ? hostForUrl(podIP)
          : `${location.sandboxName}.${location.namespace}.svc.${config.clusterDomain ?? "cluster.local"}`;
        return { baseUrl: `http://${host}:${port}`, headers: {} };
      });
  }
};
