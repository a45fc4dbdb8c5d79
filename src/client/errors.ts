// Every way a client call can fail, as tagged errors (Effect face) that the Promise face rethrows as-is.
import { Data } from "effect";

/** The claim's SandboxTemplate does not exist (claim Ready=False, reason TemplateNotFound). */
export class TemplateNotFound extends Data.TaggedError("TemplateNotFound")<{
  readonly claim: string;
  readonly namespace: string;
  readonly message: string;
}> {}

/** The claim's SandboxWarmPool does not exist (claim Ready=False, reason WarmPoolNotFound). */
export class WarmPoolNotFound extends Data.TaggedError("WarmPoolNotFound")<{
  readonly claim: string;
  readonly namespace: string;
  readonly message: string;
}> {}

/** The controller gave up on the claim with a terminal reason, or the claim was deleted while waiting. */
export class ClaimFailed extends Data.TaggedError("ClaimFailed")<{
  readonly claim: string;
  readonly namespace: string;
  readonly reason: string;
  readonly message: string;
}> {}

/** The claim did not become Ready in time. */
export class ClaimTimeout extends Data.TaggedError("ClaimTimeout")<{
  readonly claim: string;
  readonly namespace: string;
  readonly seconds: number;
  readonly message: string;
}> {}

/** The router or the sandbox answered with an error status. */
export class SandboxRequestError extends Data.TaggedError("SandboxRequestError")<{
  readonly operation: string;
  readonly status: number;
  readonly body: string;
  readonly message: string;
}> {}

/** No answer at all: connection refused or reset, DNS failure, aborted by the caller. */
export class SandboxUnreachable extends Data.TaggedError("SandboxUnreachable")<{
  readonly operation: string;
  readonly message: string;
}> {}

/** The call took longer than its timeout. */
export class RequestTimeout extends Data.TaggedError("RequestTimeout")<{
  readonly operation: string;
  readonly seconds: number;
  readonly message: string;
}> {}

/** A path the client refuses to send (escapes the sandbox, control characters). */
export class InvalidPath extends Data.TaggedError("InvalidPath")<{
  readonly path: string;
  readonly message: string;
}> {}

/** The client is not configured well enough to reach a router (no URL, no Gateway address). */
export class ConnectionConfigError extends Data.TaggedError("ConnectionConfigError")<{
  readonly message: string;
}> {}

export type ClaimError = TemplateNotFound | WarmPoolNotFound | ClaimFailed | ClaimTimeout;
export type RequestError = SandboxRequestError | SandboxUnreachable | RequestTimeout;

/** A suspend or resume did not reach its state in time. */
export class LifecycleTimeout extends Data.TaggedError("LifecycleTimeout")<{
  readonly sandbox: string;
  readonly namespace: string;
  readonly operation: "suspend" | "resume";
  readonly seconds: number;
  readonly message: string;
}> {}
