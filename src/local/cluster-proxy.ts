// Cluster names from the host: an HTTP forward proxy that resolves `<svc>.<ns>.svc.cluster.local` (and the
// shorter forms a pod's resolver accepts) to the Service's ClusterIP, or to a ready pod for a headless
// Service. Unchanged clients reach cluster Services with `HTTP_PROXY` set: absolute-URI requests, WebSocket
// upgrades and CONNECT tunnels. Hosts that are not Services are refused; it is no general-purpose proxy.
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from "node:http";
import { type AddressInfo, createConnection, type Socket } from "node:net";
import { Data, Effect, type Scope } from "effect";
import type { Informer } from "../kube/index";
import {
  type EndpointPod,
  isHeadless,
  parseServiceHost,
  readyEndpoints,
  type Service,
} from "./service-routing";
import { splice } from "./splice";

export interface ClusterProxyOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Namespace of single-label names (`sandbox-router-svc`). */
  readonly namespace: string;
  readonly clusterDomain?: string;
  readonly services: Informer<Service>;
  readonly pods: Informer<EndpointPod>;
}

export interface ClusterProxyHandle {
  readonly url: string;
}

export class ClusterProxyError extends Data.TaggedError("ClusterProxyError")<{ readonly message: string }> {}

type Resolved = { readonly ip: string } | { readonly refused: string };

// Headers meant for this proxy, not for the Service behind it.
const PROXY_HEADERS = ["proxy-connection", "proxy-authorization"];

const withoutProxyHeaders = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const out = { ...headers };
  for (const h of PROXY_HEADERS) delete out[h];
  return out;
};

const refusal = (status: number, message: string) =>
  `HTTP/1.1 ${status} ${status === 400 ? "Bad Request" : "Bad Gateway"}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`;

/** `host:port` of a CONNECT request (`[v6]:port` too). */
const authority = (target: string): { host: string; port: number } | undefined => {
  const m = /^(\[[^\]]+\]|[^:]+):([0-9]{1,5})$/.exec(target);
  return m ? { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) } : undefined;
};

const absoluteUrl = (req: IncomingMessage): URL | undefined => {
  try {
    const url = new URL(req.url ?? "");
    return url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Connects to the Service and, once connected, runs `connected` (which splices); a failure to connect is
 * answered to the client with a 502, a failure later just ends both sides.
 */
const dial = (client: Socket, ip: string, port: number, connected: (upstream: Socket) => void) => {
  const refuse = (error: Error) => client.end(refusal(502, `${error.message}\n`));
  const upstream = createConnection({ host: ip, port }, () => {
    upstream.off("error", refuse);
    connected(upstream);
  });
  upstream.on("error", refuse);
};

export const startClusterProxy = (
  options: ClusterProxyOptions,
): Effect.Effect<ClusterProxyHandle, ClusterProxyError, Scope.Scope> =>
  Effect.gen(function* () {
    const { services, pods } = options;
    const open = new Set<Socket>();

    const resolve = (hostname: string): Resolved => {
      const name = parseServiceHost(hostname, options.namespace, options.clusterDomain);
      if (name === undefined)
        return {
          refused: `${hostname} is not a cluster Service name; this proxy only reaches <service>.<namespace>.svc.cluster.local`,
        };
      const svc = services.get(name.name, name.namespace);
      if (svc === undefined) return { refused: `no Service ${name.name} in namespace ${name.namespace}` };
      if (!isHeadless(svc)) {
        const ip = svc.spec?.clusterIP;
        return ip ? { ip } : { refused: `Service ${name.namespace}/${name.name} has no ClusterIP` };
      }
      const pod = readyEndpoints(svc, pods.list(name.namespace))[0];
      return pod?.status?.podIP
        ? { ip: pod.status.podIP }
        : { refused: `headless Service ${name.namespace}/${name.name} has no ready pod` };
    };

    const server: Server = createServer((req, res) => {
      const url = absoluteUrl(req);
      if (url === undefined) {
        res
          .writeHead(400, { "content-type": "text/plain" })
          .end("this is a proxy: send absolute http:// URLs\n");
        return;
      }
      const target = resolve(url.hostname);
      if ("refused" in target) {
        res.writeHead(502, { "content-type": "text/plain" }).end(`${target.refused}\n`);
        return;
      }
      const upstream = httpRequest({
        host: target.ip,
        port: Number(url.port || 80),
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: withoutProxyHeaders(req.headers),
      });
      upstream.on("response", (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      });
      upstream.on("error", (error) => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { "content-type": "text/plain" }).end(`${error.message}\n`);
      });
      res.on("close", () => upstream.destroy());
      req.pipe(upstream);
    });

    // CONNECT host:port: a TCP tunnel to the Service.
    server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
      const target = authority(req.url ?? "");
      const resolved = target ? resolve(target.host) : { refused: "CONNECT needs host:port" };
      if (target === undefined || "refused" in resolved) {
        client.end(refusal(target ? 502 : 400, `${"refused" in resolved ? resolved.refused : ""}\n`));
        return;
      }
      dial(client, resolved.ip, target.port, (upstream) => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length > 0) upstream.write(head);
        splice(client, upstream, open);
      });
    });

    // An absolute-URI request asking to upgrade (WebSocket): relayed in origin form, then spliced.
    server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
      const url = absoluteUrl(req);
      const resolved = url
        ? resolve(url.hostname)
        : { refused: "this is a proxy: send absolute http:// URLs" };
      if (url === undefined || "refused" in resolved) {
        client.end(refusal(url ? 502 : 400, `${"refused" in resolved ? resolved.refused : ""}\n`));
        return;
      }
      dial(client, resolved.ip, Number(url.port || 80), (upstream) => {
        const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2)
          if (!PROXY_HEADERS.includes(req.rawHeaders[i]!.toLowerCase()))
            lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        splice(client, upstream, open);
      });
    });

    const port = yield* Effect.acquireRelease(
      Effect.async<number, ClusterProxyError>((resume) => {
        server.once("error", (error) =>
          resume(Effect.fail(new ClusterProxyError({ message: `cannot listen: ${error.message}` }))),
        );
        server.listen({ host: options.host, port: options.port }, () =>
          resume(Effect.succeed((server.address() as AddressInfo).port)),
        );
      }),
      () =>
        Effect.sync(() => {
          for (const socket of open) socket.destroy();
          server.closeAllConnections();
          server.close();
        }),
    );
    const urlHost = options.host.includes(":") ? `[${options.host}]` : options.host;
    return { url: `http://${urlHost}:${port}` };
  });
