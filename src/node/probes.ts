import { Duration, Effect } from "effect";

/** A probe as the agent reads it (core/v1 Probe). */
export interface ProbeSpec {
  readonly exec?: { readonly command?: readonly string[] };
  readonly httpGet?: {
    readonly path?: string;
    readonly port: number | string;
    readonly host?: string;
    readonly scheme?: string;
    readonly httpHeaders?: readonly { readonly name: string; readonly value: string }[];
  };
  readonly tcpSocket?: { readonly port: number | string; readonly host?: string };
  readonly initialDelaySeconds?: number;
  readonly timeoutSeconds?: number;
  readonly periodSeconds?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
}

/** What a probe needs to reach its container. */
export interface ProbeTarget {
  readonly podIP: string;
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
  /** Runs a command in the container's context; resolves to its exit code (non-zero on timeout). */
  readonly exec: (argv: readonly string[], timeoutMs: number) => Promise<number>;
}

const resolvePort = (port: number | string, target: ProbeTarget): number | undefined =>
  typeof port === "number"
    ? port
    : /^\d+$/.test(port)
      ? Number(port)
      : target.ports.find((p) => p.name === port)?.containerPort;

const tcpConnect = (hostname: string, port: number, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    Bun.connect({
      hostname,
      port,
      socket: {
        open: (socket) => {
          socket.end();
          done(true);
        },
        data: () => undefined,
        error: () => done(false),
        connectError: () => done(false),
      },
    }).catch(() => done(false));
  });

/** One probe attempt: httpGet succeeds on 200-399, tcpSocket on connect, exec on exit code 0. */
export const probeOnce = async (probe: ProbeSpec, target: ProbeTarget): Promise<boolean> => {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, target);
    if (port === undefined) return false;
    const scheme = (probe.httpGet.scheme ?? "HTTP").toLowerCase();
    const path = probe.httpGet.path ?? "/";
    const url = `${scheme}://${probe.httpGet.host ?? target.podIP}:${port}${path.startsWith("/") ? path : `/${path}`}`;
    const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    try {
      const res = await fetch(url, {
        headers: { "user-agent": "kube-probe/agent-sandbox", ...headers },
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
        tls: { rejectUnauthorized: false },
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 400;
    } catch {
      return false;
    }
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, target);
    return port !== undefined && tcpConnect(probe.tcpSocket.host ?? target.podIP, port, timeoutMs);
  }
  if (probe.exec?.command && probe.exec.command.length > 0)
    return (await target.exec(probe.exec.command, timeoutMs).catch(() => 1)) === 0;
  return false;
};

/** Until a readiness probe first passes it is retried this often, so a fresh pod turns Ready quickly. */
const EAGER_INTERVAL = Duration.millis(100);

/**
 * Runs a probe forever with Kubernetes' timing: `initialDelaySeconds`, then every `periodSeconds`;
 * the result flips after `successThreshold` consecutive successes or `failureThreshold` failures and
 * is reported through `onChange`. With `eager`, attempts before the first success come every 100 ms.
 */
export const runProber = (
  probe: ProbeSpec,
  target: ProbeTarget,
  onChange: (ok: boolean) => Effect.Effect<void>,
  eager = false,
): Effect.Effect<never> =>
  Effect.gen(function* () {
    const period = Duration.seconds(probe.periodSeconds ?? 10);
    const successThreshold = probe.successThreshold ?? 1;
    const failureThreshold = probe.failureThreshold ?? 3;
    yield* Effect.sleep(Duration.seconds(probe.initialDelaySeconds ?? 0));
    let current: boolean | undefined;
    let successes = 0;
    let failures = 0;
    let everPassed = false;
    for (;;) {
      const ok = yield* Effect.promise(() => probeOnce(probe, target));
      if (ok) {
        successes++;
        failures = 0;
      } else {
        failures++;
        successes = 0;
      }
      if (ok && successes >= successThreshold && current !== true) {
        current = true;
        everPassed = true;
        yield* onChange(true);
      } else if (!ok && failures >= failureThreshold && current !== false) {
        current = false;
        yield* onChange(false);
      }
      yield* Effect.sleep(eager && !everPassed ? EAGER_INTERVAL : period);
    }
  });
