// The router on the Deno adapter (Deno installed from npm) as a child process started from deno-entry.ts.
import { firstLine } from "../../support/process";
import type { StartedRouter, WebSocketRouterConfig } from "./websocketContract";

const root = `${import.meta.dir}/../../..`;

/** Starts deno-entry.ts with `config` as its one argument (JSON); resolves once it listens. */
export async function spawnDenoRouter(config: WebSocketRouterConfig = {}): Promise<StartedRouter> {
  // --sloppy-imports: the sources use extensionless imports; `effect` resolves from node_modules via package.json.
  const deno = Bun.spawn(
    [
      `${root}/node_modules/.bin/deno`,
      "run",
      "-A",
      "--sloppy-imports",
      `${import.meta.dir}/deno-entry.ts`,
      JSON.stringify(config),
    ],
    {
      cwd: root,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const line = await firstLine(deno.stdout);
  if (line === undefined) throw new Error(`deno exited: ${await new Response(deno.stderr).text()}`);
  return {
    url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`,
    async stop() {
      deno.kill();
      await deno.exited;
    },
  };
}
