import * as http from "node:http";
import * as https from "node:https";
import { Readable } from "node:stream";
import type { TlsSettings } from "./connection";

export interface FetchInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
  readonly tls?: TlsSettings;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * `fetch` over node:http(s), for runtimes other than Bun (Node, where the SDK may run): their fetch has no
 * per-request TLS options, node:https does. Returns a web Response whose body streams, for watches.
 */
export const nodeFetch = (url: string, init: FetchInit): Promise<Response> =>
  new Promise((resolve, reject) => {
    const tls = init.tls ?? {};
    const options: https.RequestOptions = {
      method: init.method,
      headers: init.headers,
      signal: init.signal,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(tls.serverName ? { servername: tls.serverName } : {}),
    };
    const onResponse = (res: http.IncomingMessage) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const item of v) headers.append(k, item);
        else if (v !== undefined) headers.set(k, v);
      }
      const status = res.statusCode ?? 500;
      const body = NULL_BODY_STATUSES.has(status)
        ? null
        : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      if (body === null) res.resume();
      resolve(new Response(body, { status, headers }));
    };
    const req = url.startsWith("https:")
      ? https.request(url, options, onResponse)
      : http.request(url, options, onResponse);
    req.on("error", reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
