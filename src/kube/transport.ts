import { Duration, Effect } from "effect";
import type { Connection } from "./connection";
import { KubeError, type KubeFailure, Timeout, Unavailable } from "./errors";
import { nodeFetch } from "./node-fetch";
import { type QueryValue, queryString } from "./paths";
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

export const makeTransport = (conn: Connection, defaultTimeout: Duration.DurationInput): Transport => {
  const timeoutOf = (req: HttpRequest) => req.timeout ?? defaultTimeout;

  const send = (req: HttpRequest, outer?: AbortSignal): Effect.Effect<Response, KubeFailure> => {
    const url = `${conn.server}${req.path}${queryString(req.query ?? {})}`;
    const what = `${req.method} ${req.path}`;
    const timeout = timeoutOf(req);
    if (!IS_BUN && conn.proxy) {
      return Effect.fail(new KubeError({ message: `${what}: proxy-url is supported on Bun only`, code: 0 }));
    }
    return Effect.tryPromise({
      try: async (signal) => {
        const creds = await conn.credentials();
        const headers: Record<string, string> = { Accept: "application/json", ...creds.headers };
        let body: string | undefined;
        if (req.body !== undefined) {
          headers["Content-Type"] = req.contentType ?? "application/json";
          body = JSON.stringify(req.body);
        }
        const init = {
          method: req.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: outer ? AbortSignal.any([signal, outer]) : signal,
          ...(creds.tls ? { tls: creds.tls } : {}),
        };
        return IS_BUN
          ? fetch(url, { ...init, ...(conn.proxy ? { proxy: conn.proxy } : {}) })
          : nodeFetch(url, init);
      },
      catch: (cause) => failureFromThrown(cause, what),
    }).pipe(
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () =>
          new Timeout({ message: `${what}: no response in ${Duration.format(timeout)}`, code: 0 }),
      }),
      Effect.flatMap((res) =>
        res.ok
          ? Effect.succeed(res)
          : Effect.promise(() => readBody(res)).pipe(
              Effect.flatMap((body) =>
                Effect.fail(failureFromStatus(res.status, body, res.headers.get("retry-after"))),
              ),
            ),
      ),
    );
  };

  const json = <T>(req: HttpRequest): Effect.Effect<T, KubeFailure> =>
    send(req).pipe(
      Effect.flatMap((res) =>
        Effect.tryPromise({
          try: () => res.json() as Promise<T>,
          catch: (cause) => failureFromThrown(cause, `${req.method} ${req.path}: reading response`),
        }),
      ),
      Effect.timeoutFail({
        duration: timeoutOf(req),
        onTimeout: () =>
          new Timeout({ message: `${req.method} ${req.path}: response not complete`, code: 0 }),
      }),
    );

  return { server: conn.server, send, json };
};
