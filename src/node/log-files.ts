import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A container's output, stdout and stderr interleaved as written, raw bytes: one file per run,
 * `<podDir>/logs/<container>/<restartCount>.log`, so `previous` is the file before the current one.
 * The API server's `pods/log` reads these files directly (the agent is its `PodLogSource`).
 */
export interface LogWriter {
  readonly pump: (stream: ReadableStream<Uint8Array>) => Promise<void>;
  readonly close: () => Promise<void>;
}

export const openLog = (file: string): LogWriter => {
  mkdirSync(dirname(file), { recursive: true });
  const writer = Bun.file(file).writer();
  let closed = false;
  return {
    pump: async (stream) => {
      for await (const chunk of stream) {
        if (closed) continue;
        writer.write(chunk);
        writer.flush();
      }
    },
    close: async () => {
      closed = true;
      await writer.end();
    },
  };
};
