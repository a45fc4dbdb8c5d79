// HTTP to one sandbox through its route (router URL + X-Sandbox-* headers, or a direct pod address).
// Retries only what cannot have reached the sandbox, or what is safe to repeat.
import type { BodyInit } from "bun";
import { Duration, Effect, Schedule } from "effect";
import { type RequestError, RequestTimeout, SandboxRequestError, SandboxUnreachable } from "./errors";

/** Where requests for one sandbox go: a base URL and the headers that select the sandbox behind it. */
export interface Route {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RequestSpec {
  /** Names the call in errors, e.g. "run" or "files.read". */
  readonly operation: string;
  readonly method: "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL, already percent-encoded. */
  readonly path: string;
  /** Rebuilt for every attempt, so a retry never sends a half-consumed stream. */
  readonly body?: () => BodyInit;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /**
   * Whether the request may run twice (GET/HEAD/PUT/DELETE are). A request that is not replayable is
   * retried only when the router says it never reached the sandbox.
   */
  readonly replayable: boolean;
}

const ROUTER_HEADER_TIMEOUT = "X-Sandbox-Timeout";

/** Transient failures: back off 100 ms, 200 ms, 400 ms, 800 ms (jittered), then give up. */
const transientRetry = Schedule.exponential(Duration.millis(100)).pipe(
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(4)),
);

/** Statuses after which the request may have run in the sandbox (or may not); only replayable calls retry. */
const maybeDelivered = new Set([500, 502, 504]);

// Our router answers 503 before forwarding (not ready, draining) and 502 "Could not connect" only when the
// dial failed, so in both cases the sandbox never saw the request.
const neverDelivered = (status: number, body: string): boolean =>
  status === 503 || (status === 502 && body.includes("Could not connect to the backend sandbox"));

export const isRetryable =
  (spec: RequestSpec) =>
  (error: RequestError): boolean => {
    switch (error._tag) {
      case "SandboxUnreachable":
        return spec.replayable;
      case "SandboxRequestError":
        return (
          neverDelivered(error.status, error.body) || (spec.replayable && maybeDelivered.has(error.status))
        );
      case "RequestTimeout":
        return false;
    }
  };

const attempt = (route: Route, spec: RequestSpec): Effect.Effect<Response, RequestError> =>
  Effect.tryPromise({
    try: (signal) =>
      fetch(`${route.baseUrl.replace(/\/+$/, "")}/${spec.path}`, {
        method: spec.method,
        headers: { ...route.headers, [ROUTER_HEADER_TIMEOUT]: String(spec.timeoutSeconds), ...spec.headers },
        ...(spec.body ? { body: spec.body() } : {}),
        // Like the Python SDK: a redirect is an error, never followed with the sandbox headers.
        redirect: "manual",
        signal,
      }),
    catch: (cause) =>
      new SandboxUnreachable({
        operation: spec.operation,
        message: `${spec.operation}: could not reach ${route.baseUrl}: ${cause instanceof Error ? cause.message : String(cause)}`,
      }),
  }).pipe(
    Effect.flatMap((response) =>
      response.status < 300
        ? Effect.succeed(response)
        : Effect.promise(() => response.text()).pipe(
            Effect.flatMap((body) =>
              Effect.fail(
                new SandboxRequestError({
                  operation: spec.operation,
                  status: response.status,
                  body,
                  message: `${spec.operation}: HTTP ${response.status}${body ? `: ${body.slice(0, 500)}` : ""}`,
                }),
              ),
            ),
          ),
    ),
  );

/** Sends one request and returns the response (status < 300) with its body unread. */
export const send = (route: Route, spec: RequestSpec): Effect.Effect<Response, RequestError> =>
  attempt(route, spec).pipe(
    Effect.retry({ schedule: transientRetry, while: isRetryable(spec) }),
    Effect.timeoutFail({
      duration: Duration.seconds(spec.timeoutSeconds),
      onTimeout: () =>
        new RequestTimeout({
          operation: spec.operation,
          seconds: spec.timeoutSeconds,
          message: `${spec.operation}: no answer within ${spec.timeoutSeconds} s`,
        }),
    }),
  );

/** Reads a JSON body, turning a malformed one into a request error that shows what came back. */
export const readJson = <A>(operation: string, response: Response): Effect.Effect<A, SandboxRequestError> =>
  Effect.promise(() => response.text()).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: () => JSON.parse(text) as A,
        catch: () =>
          new SandboxRequestError({
            operation,
            status: response.status,
            body: text,
            message: `${operation}: expected JSON, got: ${text.slice(0, 200)}`,
          }),
      }),
    ),
  );
