// The in-process transport's own contract, beyond what the shared client suite checks on both transports:
// a handler is not a socket, so aborts, late answers and thrown errors are mapped here as fetch maps them.
import { expect, setDefaultTimeout, test } from "bun:test";
import { Effect, Stream } from "effect";
import { KubeClient } from "../../../src/kube/client";
import { refs } from "../../../src/kube/resources";
import { connectionTo, eventually, runWith, startServer } from "./support";

setDefaultTimeout(30_000);

const URL = "https://in-process.invalid";

/** A response body that records whether its reader went away. */
const trackedBody = () => {
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    cancel() {
      state.cancelled = true;
    },
  });
  return { state, body };
};

test("a handler that never answers in time is a Timeout, and its late answer's body is cancelled", async () => {
  const late = Promise.withResolvers<Response>();
  const e = await runWith(
    { url: URL, fetch: () => late.promise },
    Effect.flatMap(KubeClient, (c) => Effect.flip(c.get(refs.configMap, "x", { namespace: "default" }))),
    { requestTimeout: "200 millis" },
  );
  expect(e._tag).toBe("Timeout");
  const { state, body } = trackedBody();
  late.resolve(new Response(body));
  await eventually(() => expect(state.cancelled).toBe(true));
});

test("a handler that throws is Unavailable, like a failed connection", async () => {
  const e = await runWith(
    {
      url: URL,
      fetch: () => Promise.reject(Object.assign(new Error("handler crashed"), { code: "ECONNRESET" })),
    },
    Effect.flatMap(KubeClient, (c) => Effect.flip(c.list(refs.configMap))),
  );
  expect(e._tag).toBe("Unavailable");
  expect(e.message).toContain("handler crashed");
});

test("a consumer that stops reading a watch cancels the handler's stream", async () => {
  const encoder = new TextEncoder();
  const state = { cancelled: false };
  const event = { type: "ADDED", object: { metadata: { name: "one", resourceVersion: "5" } } };
  const fetch = async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        },
        cancel() {
          state.cancelled = true;
        },
      }),
    );
  const names = await runWith(
    { url: URL, fetch },
    Effect.flatMap(KubeClient, (c) =>
      c.watch(refs.configMap).pipe(
        Stream.take(1),
        Stream.map((e) => (e.type === "ERROR" ? "error" : e.object.metadata?.name)),
        Stream.runCollect,
      ),
    ),
  );
  expect([...names]).toEqual(["one"]);
  await eventually(() => expect(state.cancelled).toBe(true));
});

test("the request reaches the handler as the network would deliver it", async () => {
  let seen:
    | { method: string; url: string; auth: string | null; type: string | null; body: string }
    | undefined;
  const fetch = async (req: Request) => {
    seen = {
      method: req.method,
      url: req.url,
      auth: req.headers.get("authorization"),
      type: req.headers.get("content-type"),
      body: await req.text(),
    };
    return Response.json({ kind: "ConfigMap", metadata: { name: "p" } });
  };
  await runWith(
    { url: URL, token: "secret", fetch },
    Effect.flatMap(KubeClient, (c) =>
      c.patch(refs.configMap, "p", { type: "merge", body: { data: { a: "1" } } }, { namespace: "ns" }),
    ),
  );
  expect(seen).toEqual({
    method: "PATCH",
    url: `${URL}/api/v1/namespaces/ns/configmaps/p`,
    auth: "Bearer secret",
    type: "application/merge-patch+json",
    body: JSON.stringify({ data: { a: "1" } }),
  });
});

test("a stopped server ends its in-process watches and refuses further requests as Unavailable", async () => {
  const server = await startServer();
  const connection = connectionTo(server, "in-process");
  const ended = runWith(
    connection,
    Effect.flatMap(KubeClient, (c) =>
      c.watch(refs.configMap, { namespace: "default", timeoutSeconds: 600 }).pipe(Stream.runCollect),
    ),
  );
  // The watch is open once a write shows up on it; then the server stops under it.
  await runWith(
    connection,
    Effect.flatMap(KubeClient, (c) =>
      c.create(refs.configMap, { metadata: { name: "before-stop", namespace: "default" } }),
    ),
  );
  await server.stop();
  const events = [...(await ended)];
  expect(events.every((e) => e.type !== "ERROR")).toBe(true);
  const e = await runWith(
    connection,
    Effect.flatMap(KubeClient, (c) => Effect.flip(c.list(refs.configMap))),
  );
  expect(e._tag).toBe("Unavailable");
});
