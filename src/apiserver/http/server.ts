// The Bun HTTP(S) server: authentication, routing to resources and discovery, Status bodies for failures.
import type { Server } from "bun";
import { versionInfo } from "../discovery/legacy";
import type { Registry } from "../resources/registry";
import { ApiError, internalError, pathNotFound, unauthorized } from "../status";
import { StorageFailure } from "../storage/store";
import { parsePath } from "./paths";
import { handleResource, type ResourceContext } from "./resources";

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /**
   * With a client CA the listener requires a client certificate signed by it at the TLS handshake, and every
   * request on it is authenticated by that certificate. Bun cannot tell a handler whether a certificate was
   * presented, so certificate clients get a listener of their own.
   */
  readonly clientCa?: string;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsMaterial;
  readonly token: string;
  /** Serve requests that carry no credentials (a wrong token is still refused). */
  readonly anonymous: boolean;
}

/** Non-resource paths (discovery, OpenAPI); undefined when the path is not theirs. */
export type NonResourceHandler = (path: string, req: Request, url: URL) => Response | undefined;

export interface ServerContext extends ResourceContext {
  readonly registry: Registry;
  readonly nonResource: NonResourceHandler;
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** What a kube-apiserver lets anyone read (system:public-info-viewer). */
const PUBLIC = new Set(["/healthz", "/livez", "/readyz", "/version"]);

/** What decides whether a request is let in. */
type Authentication = Pick<ServerConfig, "token" | "anonymous" | "tls">;

const authenticated = (req: Request, cfg: Authentication): boolean => {
  if (cfg.tls?.clientCa) return true;
  const header = req.headers.get("authorization");
  if (header === null) return cfg.anonymous;
  return header.startsWith("Bearer ") && header.slice(7).trim() === cfg.token;
};

/**
 * Answers one request: what the listener serves, and what an in-process client (local mode's controller)
 * calls directly, with the same authentication and routing.
 */
export const requestHandler =
  (ctx: ServerContext, cfg: Authentication) =>
  async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    try {
      if (PUBLIC.has(url.pathname)) {
        return url.pathname === "/version" ? json(versionInfo()) : new Response("ok");
      }
      if (!authenticated(req, cfg)) throw unauthorized();
      const p = parsePath(url.pathname, ctx.registry);
      if (p.kind === "resource") {
        const answer = await handleResource(ctx, p, req, url);
        // What the answer tells (its own write, or others' in a read) goes out once it is on disk.
        await ctx.engine.store.durable();
        return answer;
      }
      const other = ctx.nonResource(url.pathname, req, url);
      if (other) return other;
      throw pathNotFound();
    } catch (err) {
      if (err instanceof ApiError) return json(err.status, err.code);
      // Said once, by the engine, for all the answers that waited on the lost commits.
      if (!(err instanceof StorageFailure)) console.error(`apiserver: ${req.method} ${url.pathname}:`, err);
      const e = internalError(err instanceof Error ? err.message : String(err));
      return json(e.status, e.code);
    }
  };

export const startHttpServer = (ctx: ServerContext, cfg: ServerConfig): Server<undefined> =>
  Bun.serve({
    hostname: cfg.host,
    port: cfg.port,
    // Watches stay open for minutes without traffic; Bun's default idle timeout would cut them.
    idleTimeout: 0,
    // Bodies above the 3 MiB API limit are answered with a Status by our own check, not cut by Bun.
    maxRequestBodySize: 16 * 1024 * 1024,
    ...(cfg.tls
      ? {
          tls: {
            cert: cfg.tls.cert,
            key: cfg.tls.key,
            ...(cfg.tls.clientCa
              ? { ca: cfg.tls.clientCa, requestCert: true, rejectUnauthorized: true }
              : {}),
          },
        }
      : {}),
    fetch: requestHandler(ctx, cfg),
  });
