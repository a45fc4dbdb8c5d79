import { Duration, Effect } from "effect";
import type { Connection } from "./connection";
import { KubeError, type KubeFailure, Timeout, Unavailable } from "./errors";
import { fetchInProcess } from "./in-process-fetch";
import { nodeFetch } from "./node-fetch";
import { type QueryValue, queryString } from "./paths";
import { RequestGate } from "./request-gate";
import { failureFromStatus } from "./status";

/** Bun's fetch takes TLS options per request; elsewhere node:https does the job (see node-fetch.ts). */
const IS_BUN = typeof globalThis.Bun !== "undefined";

export interface HttpRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Time allowed until the response headers arrive (and, for `json`, the body). */
  readonly timeout?: Duration.DurationInput;
}

export interface Transport {
  readonly server: string;
  /** A response with a 2xx status; anything else fails with the mapped tagged error. */
  readonly send: (req: HttpRequest, signal?: AbortSignal) => Effect.Effect<Response, KubeFailure>;
  readonly json: <T>(req: HttpRequest) => Effect.Effect<T, KubeFailure>;
}

/** Network errors that say nothing about the request itself (the server is down, restarting, far away). */
export const failureFromThrown = (cause: unknown, what: string): KubeFailure => {
  const err = cause as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof err?.code === "string" ? err.code : "";
  const message = `${what}: ${typeof err?.message === "string" ? err.message : String(cause)}`;
  if (err?.name === "TimeoutError") return new Timeout({ message, code: 0 });
  if (cause instanceof SyntaxError) return new KubeError({ message, code: 0, reason: "UndecodableResponse" });
  // Certificate problems are configuration errors; retrying cannot cure them.
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(code)) {
    return new KubeError({ message, code: 0, reason: code });
  }
  return new Unavailable({ message, code: 0, ...(code ? { reason: code } : {}) });
};

const readBody = async (res: Response): Promise<unknown> => {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** A non-2xx answer, carried through the promise to `catch` as the failure it maps to. */
class StatusAnswer {
  constructor(readonly failure: KubeFailure) {}
}

export interface TransportLimits {
  /** Per request, until the whole response arrived (streams: until the headers arrived). */
  readonly timeout: Duration.DurationInput;
  /**
   * Requests read whole (everything but watches) in flight over the network at once; more wait for one to
   * finish. Infinity for no limit. Requests to an in-process server are never held.
   */
  readonly maxInFlight: number;
}

export const makeTransport = (conn: Connection, limits: TransportLimits): Transport => {
  // Decoded once: most requests use the default, and decoding a "30 seconds" string costs per call.
  const defaultDeadline = Duration.decode(limits.timeout);
  const gate =
    conn.fetch || limits.maxInFlight === Infinity ? undefined : new RequestGate(limits.maxInFlight);
  /**
   * One request, start to finish, in a single promise: the deadline is a native timer aborting the fetch
   * (Effect's per-request timeout races cost more than the request itself on a local API server). `read`
   * runs before the deadline is cleared, so it bounds the body too when `read` consumes it. `through`: the
   * gate the request waits at, if any.
   */
  const request = <A>(
    req: HttpRequest,
    outer: AbortSignal | undefined,
    read: (res: Response) => A | Promise<A>,
    late: string,
    through: RequestGate | undefined,
  ): Effect.Effect<A, KubeFailure> => {
    const url = `${conn.server}${req.path}${queryString(req.query ?? {})}`;
    const what = `${req.method} ${req.path}`;
    const timeout = req.timeout === undefined ? defaultDeadline : Duration.decode(req.timeout);
    if (!IS_BUN && conn.proxy) {
      return Effect.fail(new KubeError({ message: `${what}: proxy-url is supported on Bun only`, code: 0 }));
    }
    const failure = (cause: unknown, deadline: AbortSignal): KubeFailure =>
      cause instanceof StatusAnswer
        ? cause.failure
        : deadline.aborted
          ? new Timeout({ message: `${what}: ${late} in ${Duration.format(timeout)}`, code: 0 })
          : failureFromThrown(cause, what);
    // One controller per request, aborted by the deadline or by interruption (the canceller below): cheaper
    // than a signal of Effect's own for interruption combined with the deadline's.
    return Effect.async<A, KubeFailure>((resume) => {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), Duration.toMillis(timeout));
      const send = async (): Promise<A> => {
        const creds = await conn.credentials();
        const headers: Record<string, string> = { Accept: "application/json", ...creds.headers };
        let body: string | undefined;
        if (req.body !== undefined) {
          headers["Content-Type"] = req.contentType ?? "application/json";
          body = JSON.stringify(req.body);
          // Declared for every transport: node:http frames a DELETE's body with neither length nor
          // chunking (a server then reads it as the next request), and a server reads a body of declared
          // length in one step where it must count an undeclared one chunk by chunk.
          headers["Content-Length"] = String(Buffer.byteLength(body));
        }
        const init = {
          method: req.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: outer ? AbortSignal.any([deadline.signal, outer]) : deadline.signal,
          ...(creds.tls ? { tls: creds.tls } : {}),
        };
        const exchange = async (): Promise<A> => {
          const res = await (conn.fetch
            ? fetchInProcess(conn.fetch, url, init)
            : IS_BUN
              ? fetch(url, { ...init, ...(conn.proxy ? { proxy: conn.proxy } : {}) })
              : nodeFetch(url, init));
          if (!res.ok)
            throw new StatusAnswer(
              failureFromStatus(res.status, await readBody(res), res.headers.get("retry-after")),
            );
          return await read(res);
        };
        return through ? through.run(init.signal, exchange) : exchange();
      };
      send().then(
        (a) => {
          clearTimeout(timer);
          resume(Effect.succeed(a));
        },
        (cause) => {
          clearTimeout(timer);
          resume(Effect.fail(failure(cause, deadline.signal)));
        },
      );
      return Effect.sync(() => {
        clearTimeout(timer);
        deadline.abort();
      });
    });
  };

  // Streams (watches) pass the gate by: each holds its connection for minutes, and would hold a place as long.
  const send = (req: HttpRequest, outer?: AbortSignal): Effect.Effect<Response, KubeFailure> =>
    request(req, outer, (res) => res, "no response", undefined);

  const json = <T>(req: HttpRequest): Effect.Effect<T, KubeFailure> =>
    request(req, undefined, (res) => res.json() as Promise<T>, "response not complete", gate);

  return { server: conn.server, send, json };
};
