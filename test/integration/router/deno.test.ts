// The same handler contract under Deno (installed from npm), through the Deno adapter.
import { afterAll, beforeAll, describe } from "bun:test";
import type { Server } from "bun";
import { handlerContract } from "./handlerContract";
import { startBackend } from "./helpers";

const root = `${import.meta.dir}/../../..`;
let backend: Server<unknown>;
let deno: ReturnType<typeof Bun.spawn>;
let url = "";

beforeAll(async () => {
  backend = startBackend() as Server<unknown>;
  // --sloppy-imports: the sources use extensionless imports; `effect` resolves from node_modules via package.json.
  deno = Bun.spawn(
    [`${root}/node_modules/.bin/deno`, "run", "-A", "--sloppy-imports", `${import.meta.dir}/deno-entry.ts`],
    {
      cwd: root,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const reader = (deno.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done)
      throw new Error(`deno exited: ${text} ${await new Response(deno.stderr as ReadableStream).text()}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  url = `http://127.0.0.1:${(JSON.parse(text.split("\n")[0]!) as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  deno?.kill();
  await deno?.exited;
  await backend.stop(true);
});

describe("handler contract on Deno", () => {
  handlerContract({ url: () => url, backendPort: () => backend.port! });
});
