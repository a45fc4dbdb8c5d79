// The same WebSocket contract under Deno (installed from npm), through the Deno adapter.
import { describe } from "bun:test";
import { spawnDenoRouter } from "./denoRouter";
import { websocketContract } from "./websocketContract";

describe("WebSocket contract on Deno", () => {
  websocketContract({ start: spawnDenoRouter });
});
