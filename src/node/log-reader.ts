import { stat } from "node:fs/promises";
import { logRuns } from "./pod-dirs";

/** The options of `pods/log` (and kubelet's `containerLogs`) this agent honours. */
export interface LogOptions {
  readonly follow: boolean;
  readonly previous: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
}

export const logOptionsFrom = (query: URLSearchParams): LogOptions => {
  const num = (key: string) => {
    const v = query.get(key);
    return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const tailLines = num("tailLines");
  const limitBytes = num("limitBytes");
  return {
    follow: query.get("follow") === "true",
    previous: query.get("previous") === "true",
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  };
};

export type LogSelection = { readonly file: string } | { readonly error: string };

/** The log file `kubectl logs [--previous]` reads: the current run, or the one before it. */
export const selectLogFile = (podDir: string, container: string, previous: boolean): LogSelection => {
  const runs = logRuns(podDir, container);
  const file = previous ? runs.at(-2) : runs.at(-1);
  if (file !== undefined) return { file };
  return previous
    ? { error: `previous terminated container "${container}" not found` }
    : { error: `container "${container}" has not started yet` };
};

/** The last `n` lines of `bytes` (a final line without a newline counts). */
export const tailLines = (bytes: Uint8Array, n: number): Uint8Array => {
  if (n <= 0) return bytes.subarray(bytes.length);
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 10) end--;
  let seen = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (bytes[i] === 10 && ++seen === n) return bytes.subarray(i + 1);
  }
  return bytes;
};

const FOLLOW_POLL_MS = 200;

/**
 * Streams a container's log file. With `follow`, keeps sending what is appended while
 * `isActive(file)` holds (the run is still going), then ends.
 */
export const streamLog = (
  file: string,
  options: LogOptions,
  isActive: (file: string) => boolean,
  cancelled: AbortSignal,
): ReadableStream<Uint8Array> => {
  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  let offset = 0;
  const readNew = async (): Promise<Uint8Array> => {
    const size = await stat(file).then(
      (s) => s.size,
      () => offset,
    );
    if (size <= offset) return new Uint8Array(0);
    const bytes = await Bun.file(file).slice(offset, size).bytes();
    offset = size;
    return bytes;
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const emit = (bytes: Uint8Array): boolean => {
        const part = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
        budget -= part.length;
        if (part.length > 0) controller.enqueue(part);
        return budget > 0;
      };
      try {
        const first = await readNew();
        let open = emit(options.tailLines === undefined ? first : tailLines(first, options.tailLines));
        while (open && options.follow && !cancelled.aborted) {
          const active = isActive(file);
          const more = await readNew();
          open = emit(more);
          if (!active && more.length === 0) break;
          if (more.length === 0) await Bun.sleep(FOLLOW_POLL_MS);
        }
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
};
