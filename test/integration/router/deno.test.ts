// The same handler contract under Deno (installed from npm), through the Deno adapter.
import { afterAll, beforeAll, describe } from "bun:test";
import type { Server } from "bun";
import { spawnDenoRouter } from "./denoRouter";
import { handlerContract } from "./handlerContract";
import { startBackend } from "./helpers";
import type { StartedRouter } from "./websocketContract";

let backend: Server<unknown>;
let router: StartedRouter;

beforeAll(async () => {
  backend = startBackend() as Server<unknown>;
  router = await spawnDenoRouter();
}, 60_000);

afterAll(async () => {
  await router?.stop();
  await backend.stop(true);
});

describe("handler contract on Deno", () => {
  handlerContract({ url: () => router.url, backendPort: () => backend.port! });
});
