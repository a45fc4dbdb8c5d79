// Forwarding policy shared by the router's upstream clients: a deadline for the response headers and
// dial-only retries. The success path is a single attempt; Effect and its Schedule only run once a dial failed.
import { Duration, Effect, Schedule } from "effect";
import { type ForwardedFor, hasHopByHop, stripHopByHop, upstreamRequestHeaders } from "./headers";

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

export function classify(e: unknown): ForwardFailure {
  if (isDialError(e)) return "connect";
  // Bun refuses a 101 it did not ask for; the router reports it like upstream's explicit 101 check.
  return (e as { code?: unknown } | null)?.code === "UnrequestedUpgrade" ? "upgrade" : "internal";
}

/**
 * The time limit of one forwarded request: dialing, retries and waiting for response headers. An attempt
 * sets `onExpire` to cancel whatever it is waiting on.
 */
export class Deadline {
  expired = false;
  onExpire: (() => void) | undefined = undefined;
  /**
   * Called once by the first sweep that finds the request still waiting. Work that only matters for slow
   * requests goes here: watching for the client to disconnect costs more than most requests take.
   */
  onSlow: (() => void) | undefined = undefined;
  /** Index in the sweep's list while tracked, -1 otherwise. */
  slot = -1;

  constructor(readonly at: number) {}
}

/** Thrown by an attempt that finds its deadline already passed. */
export const DEADLINE_PASSED = Symbol("router-deadline-passed");

/**
 * One coarse sweep for all in-flight deadlines instead of a timer per request: a setTimeout/clearTimeout pair
 * costs several microseconds of CPU per request. Deadlines are seconds long; a 25 ms sweep is precise enough.
 * They sit in an array, each knowing its slot, and leave it by swapping with the last: a Set's add and delete
 * churn its hash table, which at every request was a good share of what the router allocated.
 */
const SWEEP_MS = 25;
const deadlines: Deadline[] = [];
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  // From the end: a deadline untracked meanwhile (by a callback) is replaced by one already visited.
  for (let i = deadlines.length - 1; i >= 0; i--) {
    const d = deadlines[i];
    if (d === undefined) continue;
    if (d.at <= now) {
      untrack(d);
      d.expired = true;
      d.onExpire?.();
    } else if (d.onSlow !== undefined) {
      const slow = d.onSlow;
      d.onSlow = undefined;
      slow();
    }
  }
  if (deadlines.length === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** Puts a deadline under the sweep; `untrack` takes it off once the awaited head arrived or failed. */
export function track(d: Deadline): void {
  if (d.slot !== -1) return;
  d.slot = deadlines.length;
  deadlines.push(d);
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

/** Resolves with the upstream's answer once its head arrived; rejects with what went wrong. */
export type Attempt<T> = (deadline: Deadline) => Promise<T>;

/**
 * Runs `attempt` under a deadline and retries it on dial failures only. Resolves with the upstream's answer
 * as soon as its head arrives, or with the failure class; the body then streams without a deadline.
 */
export async function forwardWithin<T extends object>(
  attempt: Attempt<T>,
  options: ForwardOptions,
): Promise<T | ForwardFailure> {
  const deadline = new Deadline(Date.now() + options.timeoutMs);
  track(deadline);
  try {
    return await attempt(deadline);
  } catch (first) {
    if (deadline.expired) return "timeout";
    if (!options.retryable || !isDialError(first) || options.retry.maxRetries <= 0) return classify(first);
    return await retryDial(attempt, deadline, first, options);
  } finally {
    untrack(deadline);
  }
}

export function untrack(d: Deadline): void {
  const slot = d.slot;
  if (slot === -1) return;
  const last = deadlines.pop()!;
  if (last !== d) {
    deadlines[slot] = last;
    last.slot = slot;
  }
  d.slot = -1;
}

function retryDial<T extends object>(
  attempt: Attempt<T>,
  deadline: Deadline,
  firstError: unknown,
  options: ForwardOptions,
): Promise<T | ForwardFailure> {
  // The first failure is replayed into the retry loop so the schedule's first delay precedes the first retry.
  let replayed = false;
  const once = Effect.suspend(() => {
    if (!replayed) {
      replayed = true;
      return Effect.fail(firstError);
    }
    if (deadline.expired) return Effect.fail(DEADLINE_PASSED);
    options.onRetry();
    return Effect.tryPromise({ try: () => attempt(deadline), catch: (e) => e });
  });
  return Effect.runPromise(
    once.pipe(
      Effect.retry({
        schedule: dialRetrySchedule(options.retry),
        while: (e) => isDialError(e) && !deadline.expired,
      }),
      Effect.catchAll((e) => Effect.succeed<ForwardFailure>(deadline.expired ? "timeout" : classify(e))),
    ),
  );
}

/** What the handler asks a forwarder to send: the client's request, re-targeted. */
export interface UpstreamCall {
  readonly request: Request;
  /** `host:port` from the resolver. */
  readonly hostPort: string;
  /** Path and query exactly as the server handed them over. */
  readonly pathAndQuery: string;
  /** The client sent a body (so the call is never retried, and the body is streamed upstream). */
  readonly hasBody: boolean;
  readonly forwarded: ForwardedFor;
}

/**
 * Sends one call upstream: the runtime-specific half of the handler. A Response it resolves with is ready
 * for the client: no hop-by-hop headers, never a 101.
 */
export type Forwarder = (call: UpstreamCall, options: ForwardOptions) => Promise<Response | ForwardFailure>;

/**
 * The portable forwarder: web `fetch` (Deno's production path; Bun uses its own client, upstream/). A client
 * that disconnects before the response headers aborts the upstream fetch.
 */
export const fetchForwarder: Forwarder = (call, options) => {
  const { request } = call;
  const init = {
    method: request.method,
    headers: upstreamRequestHeaders(request.headers, call.forwarded),
    body: call.hasBody ? request.body : null,
    redirect: "manual",
    // Bun: pass compressed bodies through as they are, and no client-side timeout of its own (ours governs).
    decompress: false,
    timeout: false,
    duplex: "half",
  } as RequestInit;
  const url = `http://${call.hostPort}${call.pathAndQuery}`;
  return forwardWithin((deadline) => {
    const controller = new AbortController();
    deadline.onExpire = () => controller.abort();
    deadline.onSlow = () => {
      if (request.signal.aborted) controller.abort();
      else request.signal.addEventListener("abort", () => controller.abort(), { once: true });
    };
    init.signal = controller.signal;
    return fetch(url, init).then(relayable);
  }, options);
};

/** The upstream answered 101 to a plain request; `code` is what classify() reports as "upgrade". */
export class UnrequestedUpgrade extends Error {
  override readonly name = "UnrequestedUpgrade";
  readonly code = "UnrequestedUpgrade";
}

/** A fetched Response as the client may see it; a 101 (Deno passes it on) counts as a failed upgrade. */
async function relayable(res: Response): Promise<Response> {
  if (res.status === 101) {
    await res.body?.cancel();
    throw new UnrequestedUpgrade("upstream switched protocols");
  }
  return withoutHopByHop(res);
}

/** Drops hop-by-hop headers from an upstream response; copies only where the runtime's headers are immutable. */
function withoutHopByHop(res: Response): Response {
  if (!hasHopByHop(res.headers)) return res;
  try {
    stripHopByHop(res.headers);
    return res;
  } catch {
    const headers = new Headers(res.headers);
    stripHopByHop(headers);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}
