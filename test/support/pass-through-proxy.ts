// An HTTP proxy in front of one upstream (the embedded API server, say) that passes every request through
// with its body streamed (watches run for minutes), unless `intercept` answers it first.

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"];

export interface PassThroughProxy {
  readonly url: string;
  readonly stop: () => Promise<void>;
}

export const startPassThroughProxy = (
  upstream: string,
  options: {
    readonly tls?: { readonly ca: string };
    /** Sees each request first; an answer (a Response) stops it there, undefined passes it on. */
    readonly intercept?: (req: Request, url: URL) => Response | undefined | Promise<Response | undefined>;
  } = {},
): PassThroughProxy => {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: async (req) => {
      const url = new URL(req.url);
      const answer = await options.intercept?.(req, url);
      if (answer !== undefined) return answer;
      const headers = new Headers(req.headers);
      for (const h of HOP_BY_HOP) headers.delete(h);
      return fetch(new URL(url.pathname + url.search, upstream), {
        method: req.method,
        headers,
        body: req.body,
        redirect: "manual",
        ...(options.tls === undefined ? {} : { tls: { ca: options.tls.ca } }),
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    stop: async () => {
      await server.stop(true);
    },
  };
};
