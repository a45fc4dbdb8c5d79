// Large bodies stream through the router process both ways without growing its memory.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Server } from "bun";
import { type EchoRecord, type RouterProcess, routedHeaders, spawnRouter, startBackend } from "./helpers";

const SIZE = 256 * 1024 * 1024;
/** Far below the body size: a router that buffered would exceed it many times over. */
const MAX_RSS_GROWTH = 96 * 1024 * 1024;

let backend: Server<unknown>;
let router: RouterProcess;
let baseline: number;

beforeAll(async () => {
  backend = startBackend() as Server<unknown>;
  router = await spawnRouter();
  // Warm the path so lazily-initialised code is part of the baseline.
  await (await fetch(`${router.url}/warm`, { headers: routedHeaders(backend.port!) })).text();
  baseline = router.rss();
}, 60_000);
afterAll(async () => {
  await router.stop();
  await backend.stop(true);
});

function generated(total: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(1 << 20).fill(98);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

test("256 MiB upload streams to the sandbox", async () => {
  const res = await fetch(`${router.url}/upload`, {
    method: "POST",
    headers: routedHeaders(backend.port!, { "content-type": "application/octet-stream" }),
    body: generated(SIZE),
    duplex: "half",
  } as RequestInit);
  expect(res.status).toBe(200);
  expect(((await res.json()) as EchoRecord).bodyBytes).toBe(SIZE);
  expect(router.peakRss() - baseline).toBeLessThan(MAX_RSS_GROWTH);
}, 60_000);

test("256 MiB download streams to the client", async () => {
  const res = await fetch(`${router.url}/bytes?n=${SIZE}`, { headers: routedHeaders(backend.port!) });
  expect(res.status).toBe(200);
  let received = 0;
  for await (const chunk of res.body!) received += chunk.byteLength;
  expect(received).toBe(SIZE);
  expect(router.peakRss() - baseline).toBeLessThan(MAX_RSS_GROWTH);
}, 60_000);
