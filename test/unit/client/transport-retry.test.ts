// Which failures are retried: never a non-idempotent call that may have reached the sandbox.
import { describe, expect, test } from "bun:test";
import { RequestTimeout, SandboxRequestError, SandboxUnreachable } from "../../../src/client/errors";
import { isRetryable, type RequestSpec } from "../../../src/client/transport";

const spec = (replayable: boolean): RequestSpec => ({
  operation: "op",
  method: replayable ? "GET" : "POST",
  path: "x",
  timeoutSeconds: 1,
  replayable,
});
const status = (code: number, body = "") =>
  new SandboxRequestError({ operation: "op", status: code, body, message: "" });
const unreachable = new SandboxUnreachable({ operation: "op", message: "" });
const timeout = new RequestTimeout({ operation: "op", seconds: 1, message: "" });

describe("isRetryable", () => {
  test("answers that prove the sandbox never saw the request are retried for every call", () => {
    for (const replayable of [true, false]) {
      expect(isRetryable(spec(replayable))(status(503))).toBe(true);
      expect(isRetryable(spec(replayable))(status(502, "Could not connect to the backend sandbox: x"))).toBe(
        true,
      );
    }
  });

  test("maybe-delivered failures are retried only for replayable calls", () => {
    for (const error of [status(500), status(502, "bad gateway"), status(504), unreachable]) {
      expect(isRetryable(spec(true))(error)).toBe(true);
      expect(isRetryable(spec(false))(error)).toBe(false);
    }
  });

  test("client errors and timeouts are never retried", () => {
    for (const error of [status(400), status(404), status(409), timeout])
      for (const replayable of [true, false]) expect(isRetryable(spec(replayable))(error)).toBe(false);
  });
});
