// A watch sends what one event-loop turn committed as one chunk: a burst of writes costs a client one read
// and one hand-off, not one per event (an in-process client reads exactly the chunks the server makes).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { start } from "./helpers";

let server: ApiServerHandle;
beforeAll(async () => {
  server = (await start()).server;
});
afterAll(async () => {
  await server?.stop();
});

const call = (method: string, path: string, body?: unknown) =>
  server.fetch(
    new Request(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

test("writes committed in one turn reach a watcher as one chunk, in commit order", async () => {
  const res = await call("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  // The first chunk only flushes the response head.
  expect(decoder.decode((await reader.read()).value).trim()).toBe("");

  const names = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
  const created = await Promise.all(
    names.map((name) => call("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name } })),
  );
  expect(created.map((r) => r.status)).toEqual(names.map(() => 201));
  const versions = await Promise.all(
    created.map(async (r) => ((await r.json()) as { metadata: { resourceVersion: string } }).metadata),
  );

  const chunk = await reader.read();
  const lines = decoder.decode(chunk.value).trimEnd().split("\n");
  const events = lines.map(
    (l) => JSON.parse(l) as { type: string; object: { metadata: { resourceVersion: string } } },
  );
  expect(events.map((e) => e.type)).toEqual(names.map(() => "ADDED"));
  const order = versions.map((m) => m.resourceVersion).sort((a, b) => Number(a) - Number(b));
  expect(events.map((e) => e.object.metadata.resourceVersion)).toEqual(order);
  await reader.cancel();
});
