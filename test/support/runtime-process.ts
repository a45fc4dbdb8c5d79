// The runtime as its own process (`src/runtime/main.ts`), as the node agent starts it, for tests that need
// a separate process: fuzzing raw sockets, a base directory on a mount of their own.
import { join } from "node:path";
import { poll } from "../../bench/soak/kube";
import { freePort } from "../../bench/soak/parts";

const root = join(import.meta.dir, "../..");

export interface RuntimeProcess {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the runtime on a free loopback port over `baseDir` and waits until it answers. */
export const startRuntimeProcess = async (baseDir: string): Promise<RuntimeProcess> => {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = Bun.spawn(
    [
      join(root, "node_modules/.bin/bun"),
      "src/runtime/main.ts",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ].concat(["--base-dir", baseDir]),
    { cwd: root, stdout: "ignore", stderr: "ignore" },
  );
  const stop = async () => {
    child.kill();
    await child.exited;
  };
  if (!(await poll(() => fetch(`${url}/`).then((r) => r.ok || undefined), 60))) {
    await stop();
    throw new Error("the runtime did not answer within 60 s");
  }
  return { url, port, stop };
};
