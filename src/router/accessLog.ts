// Structured access log: one JSON line per sampled request. Off by default; when off the handler holds
// `undefined` and pays a single comparison per request.

export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly sandboxId: string | undefined;
  readonly namespace: string | undefined;
  readonly durationMs: number;
  readonly clientIp: string;
}

export type AccessLog = (entry: AccessLogEntry) => void;

export interface AccessLogOptions {
  /** Fraction of requests logged, 0..1. */
  readonly sampleRate: number;
  readonly write?: (line: string) => void;
  readonly random?: () => number;
}

export function makeAccessLog(options: AccessLogOptions): AccessLog | undefined {
  if (!(options.sampleRate > 0)) return undefined;
  const write = options.write ?? ((line: string) => console.log(line));
  const random = options.random ?? Math.random;
  const rate = Math.min(options.sampleRate, 1);
  return (entry) => {
    if (rate < 1 && random() >= rate) return;
    // The query string is left out: it may carry secrets.
    const q = entry.path.indexOf("?");
    write(
      JSON.stringify({
        ts: new Date().toISOString(),
        msg: "request",
        ...entry,
        path: q === -1 ? entry.path : entry.path.slice(0, q),
      }),
    );
  };
}
