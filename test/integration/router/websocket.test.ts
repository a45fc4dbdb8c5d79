// The WebSocket contract on the Bun adapter (the production path: the listener hands upgrades to Bun.serve).
import { describe } from "bun:test";
import { startTestRouter } from "./helpers";
import { websocketContract } from "./websocketContract";

describe("WebSocket contract on Bun", () => {
  websocketContract({
    start: ({ websocket, authToken }) =>
      startTestRouter({
        ...(websocket ? { websocket } : {}),
        ...(authToken === undefined ? {} : { auth: { mode: "static", token: authToken } }),
      }),
  });
});
