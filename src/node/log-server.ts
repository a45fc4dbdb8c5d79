import { logOptionsFrom, selectLogFile, streamLog } from "./log-reader";

/** Finds a pod's directory by namespace and name (the agent's live pods). */
export type PodDirLookup = (namespace: string, name: string) => string | undefined;

const ROUTE = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/;

const status = (code: number, reason: string, message: string) =>
  Response.json(
    { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
    { status: code },
  );

/**
 * Container logs over HTTP, at kubelet's path: `GET /containerLogs/<namespace>/<pod>/<container>` with
 * `follow`, `previous`, `timestamps`, `tailLines`, `limitBytes`, `sinceSeconds`, `sinceTime`. The API
 * server's `pods/<name>/log` proxies here (the node publishes the port as its kubelet endpoint); the
 * same handler serves in-process callers.
 */
export const containerLogs = (
  namespace: string,
  pod: string,
  container: string,
  query: URLSearchParams,
  lookup: PodDirLookup,
  isActive: (file: string) => boolean,
  cancelled: AbortSignal,
): Response => {
  const podDir = lookup(namespace, pod);
  if (podDir === undefined) return status(404, "NotFound", `pods "${pod}" not found on this node`);
  const options = logOptionsFrom(query);
  const selected = selectLogFile(podDir, container, options.previous);
  if ("error" in selected) return status(400, "BadRequest", `${selected.error} in pod "${pod}"`);
  return new Response(streamLog(selected.file, options, isActive, cancelled), {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
};

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export const startLogServer = (host: string, lookup: PodDirLookup, isActive: (file: string) => boolean) =>
  Bun.serve({
    hostname: host,
    port: 0,
    idleTimeout: 0,
    fetch: (req) => {
      const url = new URL(req.url);
      const match = ROUTE.exec(url.pathname);
      if (req.method !== "GET" || !match) return status(404, "NotFound", "not found");
      const [, ns, pod, container] = match.map(decodeSegment) as [string, string, string, string];
      return containerLogs(ns, pod, container, url.searchParams, lookup, isActive, req.signal);
    },
  });
