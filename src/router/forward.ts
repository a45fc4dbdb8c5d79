// One upstream exchange: fetch with a deadline for the response headers and dial-only retries.
// The success path is a single fetch; Effect and its Schedule only run once a dial has failed.
import { Duration, Effect, Schedule } from "effect";

export interface RetryPolicy {
  /** Additional dial attempts after the first (upstream Go router default 3). */
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, initialDelayMs: 200, maxDelayMs: 800 };

/** `upgrade`: the backend answered 101 to a plain HTTP request. */
export type ForwardFailure = "connect" | "timeout" | "upgrade" | "internal";

/** Thrown-value classification: did the connection never get established (safe to retry)? */
export function isDialError(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    return (
      code === "ECONNREFUSED" ||
      code === "ConnectionRefused" ||
      code === "ENOTFOUND" ||
      code === "EAI_AGAIN" ||
      code === "EHOSTUNREACH" ||
      code === "ENETUNREACH" ||
      code === "FailedToOpenSocket"
    );
  }
  // Deno reports dial failures as "client error (Connect)" in the cause.
  const cause = (e as { cause?: unknown }).cause;
  return cause !== undefined && String(cause).includes("client error (Connect)");
}

/** Exponential from the initial delay, capped, jittered, bounded in count. */
export function dialRetrySchedule(policy: RetryPolicy) {
  return Schedule.exponential(Duration.millis(policy.initialDelayMs)).pipe(
    Schedule.union(Schedule.spaced(Duration.millis(policy.maxDelayMs))),
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
  );
}

function classify(e: unknown): ForwardFailure {
  if (isDialError(e)) return "connect";
  // Bun refuses a 101 it did not ask for; the router reports it like upstream's explicit 101 check.
  return (e as { code?: unknown } | null)?.code === "UnrequestedUpgrade" ? "upgrade" : "internal";
}

const TIMED_OUT = Symbol("router-timeout");

interface Deadline {
  readonly controller: AbortController;
  readonly at: number;
}

/**
 * One coarse sweep for all in-flight deadlines instead of a timer per request: a setTimeout/clearTimeout pair
 * costs several microseconds of CPU per request, a Set add/delete almost nothing. Deadlines are seconds long;
 * a 25 ms sweep is precise enough.
 */
const SWEEP_MS = 25;
const deadlines = new Set<Deadline>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (const d of deadlines) {
    if (d.at <= now) {
      deadlines.delete(d);
      d.controller.abort(TIMED_OUT);
    }
  }
  if (deadlines.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function track(d: Deadline): void {
  deadlines.add(d);
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, SWEEP_MS);
    (sweeper as { unref?: () => void }).unref?.();
  }
}

export interface ForwardOptions {
  readonly timeoutMs: number;
  /** False when the request has a body: a body that may have been sent is never replayed. */
  readonly retryable: boolean;
  readonly retry: RetryPolicy;
  readonly onRetry: () => void;
}

/**
 * Sends the request and resolves with the upstream Response as soon as its headers arrive, or with the
 * failure class. The deadline covers dialing, retries and waiting for headers; the body then streams freely.
 * `init` is the caller's fresh object and gets the abort signal set on it (no copy on the hot path).
 */
export async function forward(
  url: string,
  init: RequestInit,
  options: ForwardOptions,
): Promise<Response | ForwardFailure> {
  const controller = new AbortController();
  const deadline: Deadline = { controller, at: Date.now() + options.timeoutMs };
  track(deadline);
  init.signal = controller.signal;
  try {
    return await fetch(url, init);
  } catch (first) {
    if (controller.signal.aborted) return "timeout";
    if (!options.retryable || !isDialError(first) || options.retry.maxRetries <= 0) return classify(first);
    return await retryDial(url, init, first, controller.signal, options);
  } finally {
    deadlines.delete(deadline);
  }
}

function retryDial(
  url: string,
  init: RequestInit,
  firstError: unknown,
  signal: AbortSignal,
  options: ForwardOptions,
): Promise<Response | ForwardFailure> {
  // The first failure is replayed into the retry loop so the schedule's first delay precedes the first retry.
  let replayed = false;
  const attempt = Effect.suspend(() => {
    if (!replayed) {
      replayed = true;
      return Effect.fail(firstError);
    }
    options.onRetry();
    return Effect.tryPromise({ try: () => fetch(url, init), catch: (e) => e });
  });
  return Effect.runPromise(
    attempt.pipe(
      Effect.retry({
        schedule: dialRetrySchedule(options.retry),
        while: (e) => isDialError(e) && !signal.aborted,
      }),
      Effect.catchAll((e) => Effect.succeed<ForwardFailure>(signal.aborted ? "timeout" : classify(e))),
    ),
  );
}
