// Router authentication modes: none (explicit opt-in), a static bearer token, or Kubernetes TokenReview.
import { createHash, timingSafeEqual } from "node:crypto";
import { ErrorDetail, logInternalError } from "./errors";
import type { HeaderReader } from "./headers";
import { LruTtlCache } from "./lruTtlCache";
import type { TokenReviewClient } from "./tokenReview";

export interface AuthDenied {
  readonly status: number;
  readonly detail: string;
}

/** `undefined` means allowed. */
export type AuthOutcome = AuthDenied | undefined;

export interface Authenticator {
  readonly mode: "none" | "static" | "tokenreview";
  authenticate(headers: HeaderReader): AuthOutcome | Promise<AuthOutcome>;
}

const MISSING: AuthDenied = { status: 401, detail: ErrorDetail.missingAuth };
const INVALID: AuthDenied = { status: 401, detail: ErrorDetail.invalidToken };
const UNAVAILABLE: AuthDenied = { status: 500, detail: ErrorDetail.internal };

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, exactly two parts), else undefined. */
export function bearerToken(value: string | null): string | undefined {
  if (!value) return undefined;
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== "bearer") return undefined;
  return parts[1];
}

const sha256 = (s: string): Buffer => createHash("sha256").update(s).digest();

export const noAuth: Authenticator = { mode: "none", authenticate: () => undefined };

/** Static bearer token. Digests are compared so the compare is constant-time whatever the lengths. */
export function staticTokenAuth(expected: string): Authenticator {
  const expectedDigest = sha256(expected);
  return {
    mode: "static",
    authenticate(headers) {
      const token = bearerToken(headers.get("authorization"));
      if (token === undefined) return MISSING;
      return timingSafeEqual(sha256(token), expectedDigest) ? undefined : INVALID;
    },
  };
}

export interface TokenReviewAuthOptions {
  readonly client: TokenReviewClient;
  /** How long a decision is cached (upstream default 30 s). API failures are cached for a third of it. */
  readonly ttlMs?: number;
  /** Bound on cached decisions (upstream default 2048). */
  readonly cacheSize?: number;
  readonly now?: () => number;
}

type Decision = "allow" | "deny" | "error";

/** Kubernetes TokenReview, cached by token digest (raw tokens are never kept) with a bounded LRU + TTL. */
export function tokenReviewAuth(options: TokenReviewAuthOptions): Authenticator {
  const ttlMs = options.ttlMs ?? 30_000;
  const errorTtlMs = Math.max(ttlMs / 3, 1000);
  const cache = new LruTtlCache<Decision>(options.cacheSize ?? 2048);
  const now = options.now ?? Date.now;
  const outcome = (d: Decision): AuthOutcome =>
    d === "allow" ? undefined : d === "deny" ? INVALID : UNAVAILABLE;
  return {
    mode: "tokenreview",
    async authenticate(headers) {
      const token = bearerToken(headers.get("authorization"));
      if (token === undefined) return MISSING;
      const key = sha256(token).toString("hex");
      const cached = cache.get(key, now());
      if (cached !== undefined) return outcome(cached);
      let decision: Decision;
      try {
        decision = (await options.client.review(token)) ? "allow" : "deny";
      } catch (error) {
        logInternalError("TokenReview failed; this token gets 500 until the failure leaves the cache", error);
        decision = "error";
      }
      cache.set(key, decision, decision === "error" ? errorTtlMs : ttlMs, now());
      return outcome(decision);
    },
  };
}
