import type { RequestOptions } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { Effect } from "effect";
import { KubeConfigError } from "./errors";
import type { InProcessServer } from "./in-process-fetch";

/** Connection details given directly instead of through a kubeconfig. PEM or base64 PEM for the TLS fields. */
export interface DirectConnection {
  readonly url: string;
  readonly token?: string;
  readonly caData?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly insecureSkipTLSVerify?: boolean;
  readonly tlsServerName?: string;
  /**
   * The server at `url` runs in this process: send requests to its handler instead of the network (local
   * mode's embedded API server, `ApiServerHandle.fetch`). Credentials still go with every request.
   */
  readonly fetch?: InProcessServer;
}

/** Where to find the cluster: a kubeconfig file path, a loaded KubeConfig, or direct details. */
export type KubeSource = string | KubeConfig | DirectConnection;

/** TLS settings in the shape Bun's `fetch` takes (`tls` option), which honours CA, client cert and skip-verify. */
export interface TlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized?: boolean;
  readonly serverName?: string;
}

export interface Credentials {
  readonly headers: Readonly<Record<string, string>>;
  /** Absent for plain-HTTP servers. */
  readonly tls?: TlsSettings;
}

/** A resolved cluster endpoint; `credentials` is re-evaluated only for users whose tokens rotate. */
export interface Connection {
  readonly server: string;
  /** The kubeconfig's `proxy-url` (http/https proxies; Bun's fetch speaks to them itself). */
  readonly proxy?: string;
  /** Requests go to this in-process handler rather than over the network (see `DirectConnection.fetch`). */
  readonly fetch?: InProcessServer;
  readonly credentials: () => Promise<Credentials>;
}

const pem = (value: string): string =>
  value.includes("-----BEGIN") ? value : Buffer.from(value, "base64").toString("utf8");
const base64 = (value: string): string => Buffer.from(pem(value), "utf8").toString("base64");

/** Builds the single-context KubeConfig equivalent to direct connection details. */
export const kubeConfigFromDirect = (direct: DirectConnection): KubeConfig => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "direct",
        server: direct.url,
        skipTLSVerify: direct.insecureSkipTLSVerify ?? false,
        ...(direct.caData ? { caData: base64(direct.caData) } : {}),
        ...(direct.tlsServerName ? { tlsServerName: direct.tlsServerName } : {}),
      },
    ],
    users: [
      {
        name: "direct",
        ...(direct.token ? { token: direct.token } : {}),
        ...(direct.clientCert ? { certData: base64(direct.clientCert) } : {}),
        ...(direct.clientKey ? { keyData: base64(direct.clientKey) } : {}),
      },
    ],
    contexts: [{ name: "direct", cluster: "direct", user: "direct" }],
    currentContext: "direct",
  });
  return kc;
};

/** The in-process server a source names, when it is direct details with `fetch`. */
export const inProcessServerOf = (source: KubeSource): InProcessServer | undefined =>
  typeof source === "object" && !(source instanceof KubeConfig) ? source.fetch : undefined;

export const loadKubeConfig = (source: KubeSource): Effect.Effect<KubeConfig, KubeConfigError> =>
  Effect.try({
    try: () => {
      if (source instanceof KubeConfig) return source;
      if (typeof source === "string") {
        const kc = new KubeConfig();
        kc.loadFromFile(source);
        return kc;
      }
      return kubeConfigFromDirect(source);
    },
    catch: (cause) => new KubeConfigError({ message: `cannot load kubeconfig: ${describe(cause)}`, cause }),
  });

/** The standard loading order: $KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
export const loadDefaultKubeConfig: Effect.Effect<KubeConfig, KubeConfigError> = Effect.try({
  try: () => {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  },
  catch: (cause) => new KubeConfigError({ message: `cannot load kubeconfig: ${describe(cause)}`, cause }),
});

const withSkipVerify = (kc: KubeConfig): KubeConfig => {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster || !user) return kc;
  const view = new KubeConfig();
  view.loadFromClusterAndUser({ ...cluster, skipTLSVerify: true }, user);
  return view;
};

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

const text = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : Buffer.isBuffer(value)
      ? value.toString("utf8")
      : typeof value === "string"
        ? value
        : undefined;

/** Tokens from exec plugins, auth providers and token files expire; re-read them this often. */
const ROTATING_CREDENTIALS_TTL_MS = 30_000;

/**
 * Resolves the current context. client-node applies the kubeconfig (CA, client cert, token, exec plugins) to
 * https options; we translate those to Bun's fetch `tls` option because Bun's fetch ignores node Agents.
 */
export const resolveConnection = (kc: KubeConfig): Effect.Effect<Connection, KubeConfigError> =>
  Effect.gen(function* () {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) {
      return yield* new KubeConfigError({ message: "kubeconfig has no current cluster with a server URL" });
    }
    const user = kc.getCurrentUser();
    const plainHttp = cluster.server.startsWith("http:");
    // client-node refuses plain HTTP unless skip-verify is set; there is nothing to verify, so say so.
    const source = plainHttp ? withSkipVerify(kc) : kc;
    const apply = async (): Promise<Credentials> => {
      const opts: RequestOptions = {};
      await source.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) {
        if (typeof v === "string" || typeof v === "number") headers[k] = String(v);
      }
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
      const ca = text(opts.ca);
      const cert = text(opts.cert);
      const key = text(opts.key);
      const tls: TlsSettings = {
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
        ...(cluster.tlsServerName ? { serverName: cluster.tlsServerName } : {}),
      };
      return plainHttp ? { headers } : { headers, tls };
    };
    const first = yield* Effect.tryPromise({
      try: apply,
      catch: (cause) =>
        new KubeConfigError({ message: `cannot apply credentials: ${describe(cause)}`, cause }),
    });
    if (cluster.proxyUrl?.startsWith("socks")) {
      // Bun's fetch speaks HTTP(S) proxies only; silently bypassing the proxy would be worse than failing.
      return yield* new KubeConfigError({ message: `SOCKS proxies are not supported: ${cluster.proxyUrl}` });
    }
    const endpoint = {
      server: cluster.server.replace(/\/+$/, ""),
      ...(cluster.proxyUrl ? { proxy: cluster.proxyUrl } : {}),
    };
    const rotating = user?.exec !== undefined || user?.authProvider !== undefined;
    if (!rotating) return { ...endpoint, credentials: () => Promise.resolve(first) };
    let cached = first;
    let fetchedAt = Date.now();
    return {
      ...endpoint,
      credentials: async () => {
        if (Date.now() - fetchedAt > ROTATING_CREDENTIALS_TTL_MS) {
          cached = await apply();
          fetchedAt = Date.now();
        }
        return cached;
      },
    };
  });
