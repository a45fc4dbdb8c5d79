// Real servers for the kube integration tests: the embedded API server, a forwarding proxy that can go down or
// silent on command (to force gaps, 410s and dead streams), and a server answering with a fixed Status.
import { Effect, Logger, LogLevel, type Scope } from "effect";
import { type ApiServerHandle, type ApiServerOptions, startApiServer } from "../../../src/apiserver/index";
import type { Pki } from "../../../src/apiserver/tls";
import { KubeClient, type KubeClientOptions } from "../../../src/kube/client";
import type { DirectConnection } from "../../../src/kube/connection";

/** How a test's client reaches the embedded API server: its listener, or its handler in this process. */
export type Reach = "network" | "in-process";

export const connectionTo = (h: ApiServerHandle, reach: Reach = "network"): DirectConnection => ({
  url: h.url,
  token: h.token,
  ...(h.caData ? { caData: h.caData } : {}),
  ...(reach === "in-process" ? { fetch: h.fetch } : {}),
});

/** Runs a test program with a KubeClient for `source`, warnings and below kept out of the test output. */
export const runWith = <A, E>(
  source: DirectConnection | string,
  program: Effect.Effect<A, E, KubeClient | Scope.Scope>,
  options?: KubeClientOptions,
): Promise<A> =>
  Effect.runPromise(
    program.pipe(
      Effect.scoped,
      Effect.provide(KubeClient.layer(source, options)),
      Effect.provide(Logger.minimumLogLevel(LogLevel.Error)),
    ),
  );

/**
 * A real HTTPS server on loopback that demands a client certificate signed by `pki`'s CA and answers every
 * request with `respond()` (the embedded API server authenticates by token; this isolates the client-cert path).
 */
export const serveMutualTls = (pki: Pki, respond: () => Response) =>
  Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: {
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: true,
    },
    fetch: respond,
  });

export const startServer = (options: ApiServerOptions = {}) =>
  startApiServer({ bookmarkIntervalMs: 200, ...options });

/** Polls until `check` passes (no throw), up to `timeoutMs`; for eventual conditions only. */
export const eventually = async (check: () => void | Promise<void>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await Bun.sleep(25);
    }
  }
};

export const eventuallyEffect = (check: () => void, timeoutMs = 20_000) =>
  Effect.promise(() => eventually(check, timeoutMs));

export interface FaultyProxy {
  readonly url: string;
  /** Down: open streams end and new requests get 503. Up again: requests pass through. */
  setDown(down: boolean): void;
  /** The streams open right now keep their connection but never deliver another byte (a dead peer). */
  muteOpenStreams(): void;
  /** `resourceVersion` of every watch request so far ("" when absent). */
  readonly watches: string[];
  /** Collection GETs that were not watches. */
  readonly lists: () => number;
  stop(): Promise<void>;
}

/** A real HTTP proxy in front of an API server, for gaps, 410s and silent streams on command. */
export const startProxy = (target: string): FaultyProxy => {
  let down = false;
  let lists = 0;
  const watches: string[] = [];
  const open = new Map<ReadableStreamDefaultController<Uint8Array>, { muted: boolean }>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      if (down) return new Response("proxy down", { status: 503 });
      const url = new URL(req.url);
      if (req.method === "GET" && url.searchParams.get("watch") === "true") {
        watches.push(url.searchParams.get("resourceVersion") ?? "");
      } else if (req.method === "GET") lists++;
      const upstream = await fetch(`${target}${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: await req.arrayBuffer() }),
      });
      if (!upstream.body) return upstream;
      const reader = upstream.body.getReader();
      const state = { muted: false };
      let self: ReadableStreamDefaultController<Uint8Array> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          self = controller;
          open.set(controller, state);
        },
        async pull(controller) {
          const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
          // Muted: hold the connection open forever, delivering nothing (until the client gives up).
          if (state.muted) return new Promise<void>(() => {});
          if (chunk.done) {
            open.delete(controller);
            controller.close();
            return;
          }
          controller.enqueue(chunk.value);
        },
        cancel() {
          if (self) open.delete(self);
          reader.cancel().catch(() => {});
        },
      });
      return new Response(body, { status: upstream.status, headers: upstream.headers });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    setDown(next) {
      down = next;
      if (!next) return;
      // End every open response; reconnects meet 503 until the proxy is up again.
      for (const c of open.keys()) c.close();
      open.clear();
    },
    muteOpenStreams() {
      for (const state of open.values()) state.muted = true;
    },
    watches,
    lists: () => lists,
    stop: () => server.stop(true),
  };
};

/** A server that answers every request with `status` and `body` (or never answers, for "hang"). */
export const startStatusServer = (
  status: number | "hang",
  body: unknown = {},
  headers: Record<string, string> = {},
) => {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () =>
      status === "hang" ? new Promise<Response>(() => {}) : Response.json(body, { status, headers }),
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
};
