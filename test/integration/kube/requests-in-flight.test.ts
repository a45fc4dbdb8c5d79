// KubeClient's limit on requests in flight, over real HTTPS on loopback: a server that holds requests until
// told to answer (to watch the limit) and one that counts the connections a burst uses.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Effect, Either, Fiber, Stream } from "effect";
import { generatePki, type Pki } from "../../../src/apiserver/tls";
import { KubeClient } from "../../../src/kube/client";
import type { KubeObject } from "../../../src/kube/object";
import { refs } from "../../../src/kube/resources";
import { eventually, runWith } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

let pki: Pki;
beforeAll(async () => {
  pki = await generatePki("127.0.0.1");
}, 60_000);

const serveTls = (fetch: (req: Request, server: Bun.Server<undefined>) => Response | Promise<Response>) =>
  Bun.serve({ port: 0, hostname: "127.0.0.1", tls: { cert: pki.serverCert, key: pki.serverKey }, fetch });

const namespaceList = () =>
  Response.json({ apiVersion: "v1", kind: "NamespaceList", metadata: { resourceVersion: "1" }, items: [] });

const connection = (server: { readonly port?: number | undefined }) => ({
  url: `https://127.0.0.1:${server.port}`,
  token: "t",
  caData: pki.caCert,
});

describe("requests in flight over the network", () => {
  // Lists wait here until answered one by one; a watch is answered at once and kept open.
  const held: Array<() => void> = [];
  let holding = true;
  let inFlight = 0;
  let mostInFlight = 0;
  let server: ReturnType<typeof serveTls>;
  beforeAll(() => {
    server = serveTls(async (req) => {
      if (new URL(req.url).searchParams.get("watch") === "true") {
        const event = `${JSON.stringify({ type: "ADDED", object: { metadata: { name: "seen" } } })}\n`;
        return new Response(
          new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(event)) }),
          { headers: { "Content-Type": "application/json" } },
        );
      }
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (holding) await new Promise<void>((resolve) => held.push(resolve));
      inFlight--;
      return namespaceList();
    });
  });
  afterAll(() => server?.stop(true));

  test("no more than the limit at once, the rest wait; a watch is never held back", async () => {
    let answered = 0;
    const { results, watched } = await runWith(
      connection(server),
      Effect.gen(function* () {
        const c = yield* KubeClient;
        const burst = yield* Effect.fork(
          Effect.forEach(
            Array.from({ length: 20 }),
            () => c.list(refs.namespace).pipe(Effect.tap(() => Effect.sync(() => answered++))),
            { concurrency: "unbounded" },
          ),
        );
        yield* Effect.promise(() => eventually(() => expect(held.length).toBe(4)));
        // With every place taken, a watch from the same client still gets through.
        const watched = yield* c.watch(refs.namespace).pipe(Stream.take(1), Stream.runCollect);
        yield* Effect.promise(async () => {
          while (answered < 20) {
            held.shift()?.();
            await Bun.sleep(1);
          }
        });
        return { results: yield* Fiber.join(burst), watched };
      }),
      { maxRequestsInFlight: 4 },
    );
    expect([...watched].map((e) => (e.object as KubeObject).metadata?.name)).toEqual(["seen"]);
    expect(results.length).toBe(20);
    expect(mostInFlight).toBe(4);
  });

  test("a request that waits past its deadline fails as a timeout; its place is not lost", async () => {
    mostInFlight = 0;
    const answerAll = () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    };
    const { second, third } = await runWith(
      connection(server),
      Effect.gen(function* () {
        const c = yield* KubeClient;
        // The server holds the first; the second waits for its place until its own deadline passes.
        const first = yield* Effect.fork(c.list(refs.namespace, { timeout: "20 seconds" }));
        yield* Effect.promise(() => eventually(() => expect(held.length).toBe(1)));
        const second = yield* c.list(refs.namespace).pipe(Effect.either);
        yield* Effect.sync(answerAll);
        yield* first;
        const third = yield* c.list(refs.namespace, { timeout: "20 seconds" }).pipe(Effect.either);
        return { second, third };
      }),
      { maxRequestsInFlight: 1, requestTimeout: "300 millis" },
    );
    expect(Either.isLeft(second) && second.left._tag).toBe("Timeout");
    expect(Either.isRight(third)).toBe(true);
    expect(mostInFlight).toBe(1);
  });
});

describe("connections a burst uses", () => {
  const ports = new Set<number>();
  let server: ReturnType<typeof serveTls>;
  beforeAll(() => {
    server = serveTls((req, srv) => {
      const port = srv.requestIP(req)?.port;
      if (port !== undefined) ports.add(port);
      return namespaceList();
    });
  });
  afterAll(() => server?.stop(true));

  const burst = (maxRequestsInFlight?: number) =>
    runWith(
      connection(server),
      Effect.flatMap(KubeClient, (c) =>
        Effect.forEach(Array.from({ length: 200 }), () => c.list(refs.namespace), {
          concurrency: "unbounded",
        }),
      ),
      maxRequestsInFlight === undefined ? {} : { maxRequestsInFlight },
    );

  test("by default, 200 requests at once reuse at most 64 connections, burst after burst", async () => {
    ports.clear();
    await burst();
    await burst();
    expect(ports.size).toBeGreaterThan(0);
    expect(ports.size).toBeLessThanOrEqual(64);
  });

  test("without a limit, the same bursts open a connection for nearly every request (what the limit saves)", async () => {
    ports.clear();
    await burst(Number.POSITIVE_INFINITY);
    await burst(Number.POSITIVE_INFINITY);
    expect(ports.size).toBeGreaterThan(128);
  });
});
