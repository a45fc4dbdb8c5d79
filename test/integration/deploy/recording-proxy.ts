// A pass-through HTTP proxy in front of the embedded API server that records every resource request as
// RBAC reads it, so a test can compare what a process really asks for with the role it is given.

import { grantKey, type RequestAttributes, requestAttributes } from "../../unit/deploy/rbac";

export interface RecordingProxy {
  readonly url: string;
  /** Every resource request seen, in order. */
  readonly requests: ReadonlyArray<RequestAttributes>;
  /** The distinct (group, resource, verb) triples seen, as grantKey strings. */
  readonly triples: () => Set<string>;
  readonly stop: () => Promise<void>;
}

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"];

export const startRecordingProxy = (upstream: string, tls?: { readonly ca: string }): RecordingProxy => {
  const requests: RequestAttributes[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: async (req) => {
      const url = new URL(req.url);
      const attributes = requestAttributes(req.method, url.pathname + url.search);
      if (attributes !== undefined) requests.push(attributes);
      const headers = new Headers(req.headers);
      for (const h of HOP_BY_HOP) headers.delete(h);
      // Watches stream for minutes: pass bodies through without buffering.
      return fetch(new URL(url.pathname + url.search, upstream), {
        method: req.method,
        headers,
        body: req.body,
        redirect: "manual",
        ...(tls === undefined ? {} : { tls: { ca: tls.ca } }),
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    triples: () => new Set(requests.map((r) => grantKey(r.group, r.resource, r.verb))),
    stop: async () => {
      await server.stop(true);
    },
  };
};
