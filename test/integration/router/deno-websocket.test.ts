// The same WebSocket contract under Deno (installed from npm), through the Deno adapter.
import { afterAll, beforeAll, describe } from "bun:test";
import type { Server } from "bun";
import { spawnDenoRouter } from "./denoRouter";
import { startBackend } from "./helpers";
import { websocketContract } from "./websocketContract";

let backend: Server<unknown>;

beforeAll(() => {
  backend = startBackend() as Server<unknown>;
});
afterAll(async () => {
  await backend.stop(true);
});

describe("WebSocket contract on Deno", () => {
  websocketContract({ start: spawnDenoRouter, backendPort: () => backend.port! });
});
