import { Data } from "effect";

/** One entry of a Status' `details.causes` (a field that failed validation, say). */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** What every Kubernetes failure carries; `code` is the HTTP status (0 when no response arrived). */
interface FailureFields {
  readonly message: string;
  readonly code: number;
  readonly reason?: string;
  readonly kind?: string;
  readonly name?: string;
}

export class NotFound extends Data.TaggedError("NotFound")<FailureFields> {}
export class Conflict extends Data.TaggedError("Conflict")<FailureFields> {}
export class AlreadyExists extends Data.TaggedError("AlreadyExists")<FailureFields> {}
/** The requested resourceVersion is too old (410 / Expired): relist. */
export class Gone extends Data.TaggedError("Gone")<FailureFields> {}
export class Invalid extends Data.TaggedError("Invalid")<
  FailureFields & { readonly causes: ReadonlyArray<StatusCause> }
> {}
export class Forbidden extends Data.TaggedError("Forbidden")<FailureFields> {}
export class Unauthorized extends Data.TaggedError("Unauthorized")<FailureFields> {}
/** Connection refused or reset, 5xx, 429: worth retrying. `retryAfterSeconds` comes from the server. */
export class Unavailable extends Data.TaggedError("Unavailable")<
  FailureFields & { readonly retryAfterSeconds?: number }
> {}
export class Timeout extends Data.TaggedError("Timeout")<FailureFields> {}
/** Anything else: bad requests, unsupported media types, undecodable responses. */
export class KubeError extends Data.TaggedError("KubeError")<FailureFields> {}

export type KubeFailure =
  | NotFound
  | Conflict
  | AlreadyExists
  | Gone
  | Invalid
  | Forbidden
  | Unauthorized
  | Unavailable
  | Timeout
  | KubeError;

/** Failures a retry can cure without changing the request (any failure may be asked: reconciles have more). */
export const isTransient = (e: unknown): e is Unavailable | Timeout => {
  const tag = (e as { readonly _tag?: unknown } | null | undefined)?._tag;
  return tag === "Unavailable" || tag === "Timeout";
};

/** The kubeconfig could not be loaded or names no usable cluster. */
export class KubeConfigError extends Data.TaggedError("KubeConfigError")<{
  readonly message: string;
  readonly cause?: unknown;
}> {}
