// The WebSocket contract on the Bun adapter (the production path: the listener hands upgrades to Bun.serve).
import { afterAll, beforeAll, describe } from "bun:test";
import type { Server } from "bun";
import { startBackend, startTestRouter } from "./helpers";
import { websocketContract } from "./websocketContract";

let backend: Server<unknown>;

beforeAll(() => {
  backend = startBackend() as Server<unknown>;
});
afterAll(async () => {
  await backend.stop(true);
});

describe("WebSocket contract on Bun", () => {
  websocketContract({
    start: ({ websocket, authToken }) =>
      startTestRouter({
        ...(websocket ? { websocket } : {}),
        ...(authToken === undefined ? {} : { auth: { mode: "static", token: authToken } }),
      }),
    backendPort: () => backend.port!,
  });
});
