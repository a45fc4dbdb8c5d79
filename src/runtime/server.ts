import type { RuntimeContext } from "./context";
import { execStream, signalExec, writeExecStdin } from "./exec-stream";
import { deleteFile, getFile, putFile } from "./files";
import * as legacy from "./legacy";
import { json, methodNotAllowed, notFoundRoute } from "./responses";
import { unquote } from "./unquote";

/** The part of a raw path after `prefix`, decoded once (as an ASGI server decodes the HTTP path). */
const param = (rawPath: string, prefix: string): string => unquote(rawPath.slice(prefix.length));

const EXEC_ACTION = /^\/v1\/exec\/([^/]+)\/(signal|stdin)$/;

/** Routes one request; every endpoint of the runtime is listed here. */
export const route = (req: Request, ctx: RuntimeContext): Promise<Response> | Response => {
  const url = new URL(req.url);
  const path = url.pathname;
  const method = req.method;
  const only = (allowed: string, handle: () => Promise<Response> | Response) =>
    method === allowed || (allowed === "GET" && method === "HEAD") ? handle() : methodNotAllowed();

  if (path === "/") return only("GET", legacy.health);
  if (path === "/execute") return only("POST", () => legacy.execute(req, ctx));
  if (path === "/upload") return only("POST", () => legacy.upload(req, ctx));
  if (path.startsWith("/download/"))
    return only("GET", () => legacy.download(param(path, "/download/"), ctx));
  if (path.startsWith("/list/")) return only("GET", () => legacy.list(param(path, "/list/"), ctx));
  if (path.startsWith("/exists/")) return only("GET", () => legacy.exists(param(path, "/exists/"), ctx));

  if (path === "/v1/files" || path.startsWith("/v1/files/")) {
    const filePath = param(path, "/v1/files").replace(/^\/+/, "");
    if (method === "GET" || method === "HEAD") return getFile(filePath, method === "HEAD", ctx);
    if (method === "PUT") return putFile(req, filePath, ctx);
    if (method === "DELETE") return deleteFile(req, filePath, ctx);
    return methodNotAllowed();
  }
  if (path === "/v1/health")
    return only("GET", () =>
      ctx.shuttingDown()
        ? json({ status: "shutting_down" }, 503)
        : json({ status: "ok", uptime_seconds: Math.floor((Date.now() - ctx.startedAt) / 1000) }),
    );
  if (path === "/v1/exec") return only("POST", () => execStream(req, ctx));
  const action = EXEC_ACTION.exec(path);
  if (action) {
    const [, id, verb] = action as unknown as [string, string, string];
    return only("POST", () => (verb === "signal" ? signalExec(req, id, ctx) : writeExecStdin(req, id, ctx)));
  }
  return notFoundRoute();
};
