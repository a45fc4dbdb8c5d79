import { describe, expect, test } from "bun:test";
import { isTransient } from "../../../src/kube/errors";
import { failureFromStatus } from "../../../src/kube/status";

const status = (code: number, reason: string, extra: Record<string, unknown> = {}) => ({
  kind: "Status",
  status: "Failure",
  message: `${reason} happened`,
  reason,
  code,
  ...extra,
});

describe("failureFromStatus", () => {
  test.each([
    [404, "NotFound", "NotFound"],
    [409, "AlreadyExists", "AlreadyExists"],
    [409, "Conflict", "Conflict"],
    [410, "Gone", "Gone"],
    [410, "Expired", "Gone"],
    [403, "Forbidden", "Forbidden"],
    [401, "Unauthorized", "Unauthorized"],
    [504, "Timeout", "Timeout"],
    [500, "ServerTimeout", "Timeout"],
    [429, "TooManyRequests", "Unavailable"],
    [503, "ServiceUnavailable", "Unavailable"],
    [500, "InternalError", "Unavailable"],
    [400, "BadRequest", "KubeError"],
    [415, "UnsupportedMediaType", "KubeError"],
  ])("%d %s -> %s", (code, reason, tag) => {
    const e = failureFromStatus(code, status(code, reason));
    expect(e._tag).toBe(tag as typeof e._tag);
    expect(e.code).toBe(code);
    expect(e.message).toBe(`${reason} happened`);
  });

  test("Invalid keeps the causes", () => {
    const causes = [{ reason: "FieldValueRequired", message: "Required value", field: "spec.podTemplate" }];
    const e = failureFromStatus(
      422,
      status(422, "Invalid", { details: { name: "x", kind: "Sandbox", causes } }),
    );
    expect(e._tag).toBe("Invalid");
    if (e._tag !== "Invalid") return;
    expect(e.causes).toEqual(causes);
    expect(e.kind).toBe("Sandbox");
    expect(e.name).toBe("x");
  });

  test("falls back to the HTTP code when the body is not a Status", () => {
    expect(failureFromStatus(502, "<html>bad gateway</html>")._tag).toBe("Unavailable");
    expect(failureFromStatus(404, "")._tag).toBe("NotFound");
    expect(failureFromStatus(409, null)._tag).toBe("Conflict");
    expect(failureFromStatus(410, [])._tag).toBe("Gone");
    expect(failureFromStatus(422, {})._tag).toBe("Invalid");
    expect(failureFromStatus(504, {})._tag).toBe("Timeout");
    expect(failureFromStatus(418, "teapot")._tag).toBe("KubeError");
    expect(failureFromStatus(502, "<html>bad gateway</html>").message).toContain("bad gateway");
  });

  test("Retry-After reaches Unavailable", () => {
    const fromHeader = failureFromStatus(429, status(429, "TooManyRequests"), "7");
    expect(fromHeader._tag === "Unavailable" && fromHeader.retryAfterSeconds).toBe(7);
    const fromDetails = failureFromStatus(
      429,
      status(429, "TooManyRequests", { details: { retryAfterSeconds: 3 } }),
    );
    expect(fromDetails._tag === "Unavailable" && fromDetails.retryAfterSeconds).toBe(3);
  });

  test("only Unavailable and Timeout are transient", () => {
    expect(isTransient(failureFromStatus(503, {}))).toBe(true);
    expect(isTransient(failureFromStatus(504, {}))).toBe(true);
    expect(isTransient(failureFromStatus(409, {}))).toBe(false);
    expect(isTransient(failureFromStatus(404, {}))).toBe(false);
  });
});
