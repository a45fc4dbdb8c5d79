// The embedded Kubernetes-compatible API server: `startApiServer` (Promise) and `ApiServer.scoped` (Effect).
import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Context, Data, Effect, Layer } from "effect";
import { Conversions } from "./conversion";
import { serveStoredCrds } from "./crd-lifecycle";
import { Engine } from "./engine";
import { DEFAULT_EVENT_TTL_MS, startEventExpiry } from "./event-ttl";
import { GarbageCollector } from "./gc";
import { discoveryRoutes, servedResources } from "./http/discovery-routes";
import { requestHandler, startHttpServer } from "./http/server";
import { tableRenderer } from "./http/tables";
import { renderKubeconfig } from "./kubeconfig";
import type { PodLogSource } from "./pods";
import { BUILTIN_RESOURCES } from "./resources/builtin";
import { Registry } from "./resources/registry";
import { SANDBOX_CONVERTERS } from "./sandbox-conversion";
import { Store } from "./storage/store";
import { generatePki, type Pki } from "./tls";
import { WatchHub } from "./watch/hub";

export type { PodLogSource } from "./pods";

export interface ApiServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** SQLite file path, or ":memory:" (the default). */
  readonly storage?: ":memory:" | string;
  /** true: HTTPS with a generated CA (kept in the store, so restarts reuse it); or a given cert/key. */
  readonly tls?: boolean | { readonly cert: string; readonly key: string };
  /** Bearer token clients must send; generated (and kept in the store) when absent. */
  readonly token?: string;
  /** Also write the kubeconfig to this path. */
  readonly kubeconfigPath?: string;
  /** Events a watch can resume from before it gets 410 Gone (default 10,000). */
  readonly watchWindow?: number;
  /** Where pod container logs are read from (the node agent provides this). */
  readonly podLogs?: PodLogSource;
  /**
   * Serve requests without credentials. Defaults to true only for plain HTTP on a loopback address, like
   * kube-apiserver's old localhost insecure port: kubectl never sends a bearer token over plain HTTP.
   * A request with a wrong token is refused either way.
   */
  readonly anonymous?: boolean;
  /** Events one watcher may fall behind by before the server closes its stream (default 1000). */
  readonly watchQueueLimit?: number;
  /** Interval of watch bookmarks, for watches that allow them (default 5 s). */
  readonly bookmarkIntervalMs?: number;
  /** Events are deleted this long after they were last written (kube-apiserver's --event-ttl, default 1 h). */
  readonly eventTtlMs?: number;
}

export interface ApiServerHandle {
  readonly url: string;
  readonly token: string;
  /** The CA certificate (PEM) when serving HTTPS with a generated CA. */
  readonly caData?: string;
  /** A client certificate and key signed by the CA, for kubeconfigs that authenticate by certificate. */
  readonly clientCert?: string;
  readonly clientKey?: string;
  /** The listener that authenticates by client certificate (HTTPS with a generated CA only). */
  readonly clientCertUrl?: string;
  readonly kubeconfig: string;
  /**
   * Answers a request in this process, as the listener at `url` would (same authentication): what a client
   * living beside the server uses instead of the network (see the kube client's `DirectConnection.fetch`).
   */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Installs (or replaces) the pod log source after start. */
  setPodLogSource(source: PodLogSource): void;
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const BOOT_NAMESPACES = ["default", "kube-system", "agent-sandbox-system"];

const loadOrMakePki = async (store: Store, host: string): Promise<Pki> => {
  const saved = store.getMeta("pki");
  if (saved) return JSON.parse(saved) as Pki;
  const pki = await generatePki(host);
  store.setMeta("pki", JSON.stringify(pki));
  return pki;
};

const loadOrMakeToken = (store: Store, given: string | undefined): string => {
  if (given) return given;
  const saved = store.getMeta("token");
  if (saved) return saved;
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
  store.setMeta("token", token);
  return token;
};

export const startApiServer = async (options: ApiServerOptions = {}): Promise<ApiServerHandle> => {
  const host = options.host ?? "127.0.0.1";
  const path = options.storage ?? ":memory:";
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const store = new Store(path, options.watchWindow);
  try {
    const registry = new Registry();
    const hub = new WatchHub();
    const engine = new Engine(store, hub, registry, new Conversions(SANDBOX_CONVERTERS));
    serveStoredCrds(engine, registry);
    const gc = new GarbageCollector(engine, () => registry.byId());
    const namespaces = BUILTIN_RESOURCES.find((d) => d.plural === "namespaces")!;
    for (const ns of BOOT_NAMESPACES) {
      if (!store.get("namespaces", "", ns)) {
        engine.create({ def: namespaces, version: "v1", namespace: "" }, { metadata: { name: ns } });
      }
    }
    const token = loadOrMakeToken(store, options.token);
    let tls: { cert: string; key: string } | undefined;
    let pki: Pki | undefined;
    if (options.tls === true) {
      pki = await loadOrMakePki(store, host);
      tls = { cert: pki.serverCert, key: pki.serverKey };
    } else if (options.tls) tls = { cert: options.tls.cert, key: options.tls.key };

    let podLogs = options.podLogs;
    const resources = servedResources(registry);
    const context = {
      engine,
      registry,
      watch: {
        maxQueuedEvents: options.watchQueueLimit ?? 1000,
        bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
      },
      podLogs: () => podLogs,
      token,
      nonResource: discoveryRoutes(resources),
      table: tableRenderer(resources),
    };
    const listener = {
      host,
      port: options.port ?? 0,
      token,
      anonymous: options.anonymous ?? (!tls && LOOPBACK.test(host)),
      ...(tls ? { tls } : {}),
    };
    const server = startHttpServer(context, listener);
    const handle = requestHandler(context, listener);
    const certServer = pki
      ? startHttpServer(context, {
          host,
          port: 0,
          token,
          anonymous: false,
          tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert },
        })
      : undefined;
    const urlHost =
      host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    const url = `${tls ? "https" : "http"}://${urlHost}:${server.port}`;
    const clientCertUrl = certServer ? `https://${urlHost}:${certServer.port}` : undefined;
    const kubeconfig = renderKubeconfig({
      url,
      token,
      ...(pki ? { caData: pki.caCert } : {}),
    });
    if (options.kubeconfigPath) {
      mkdirSync(dirname(options.kubeconfigPath), { recursive: true });
      await writeFile(options.kubeconfigPath, kubeconfig, { mode: 0o600 });
    }
    // Started last: nothing after it can fail, so the timer never outlives a failed start.
    const stopEventExpiry = startEventExpiry(
      engine,
      () => registry.byId(),
      options.eventTtlMs ?? DEFAULT_EVENT_TTL_MS,
    );
    let stopped = false;
    return {
      url,
      token,
      ...(pki && clientCertUrl
        ? { caData: pki.caCert, clientCert: pki.clientCert, clientKey: pki.clientKey, clientCertUrl }
        : {}),
      kubeconfig,
      // A stopped server refuses in-process callers as its closed listener refuses network ones.
      fetch: (request) =>
        stopped
          ? Promise.reject(Object.assign(new Error("API server stopped"), { code: "ECONNREFUSED" }))
          : handle(request),
      setPodLogSource(source) {
        podLogs = source;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        gc.stop();
        stopEventExpiry();
        await server.stop(true);
        await certServer?.stop(true);
        // Ends the watch streams of in-process clients too (the listener's stop only cut network ones).
        hub.closeAll();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
};

export class ApiServerStartError extends Data.TaggedError("ApiServerStartError")<{
  readonly cause: unknown;
}> {}

/** The running server as an Effect service. */
export class ApiServer extends Context.Tag("agent-sandbox/ApiServer")<ApiServer, ApiServerHandle>() {
  /** Starts the server and stops it when the scope closes. */
  static scoped = (options: ApiServerOptions = {}) =>
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startApiServer(options),
        catch: (cause) => new ApiServerStartError({ cause }),
      }),
      (handle) => Effect.promise(() => handle.stop()),
    );

  static layer = (options: ApiServerOptions = {}) => Layer.scoped(ApiServer, ApiServer.scoped(options));
}
