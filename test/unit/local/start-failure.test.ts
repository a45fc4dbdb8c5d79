// What local mode prints when it cannot start: an expected failure as its chain of reasons, a defect in full.
import { expect, test } from "bun:test";
import { Cause, Data, FiberId } from "effect";
import { describeStartFailure } from "../../../src/local/failure";

class StepFailed extends Data.TaggedError("StepFailed")<{ readonly cause: unknown }> {}

test("a failure reads as the messages along its causes, without the wrappers that carry none", () => {
  const inner = new Error("store /s/store.sqlite is in use by another process");
  const outer = new Error("API server", { cause: new StepFailed({ cause: inner }) });
  expect(describeStartFailure(Cause.fail(outer))).toBe(
    "API server: store /s/store.sqlite is in use by another process",
  );
  expect(describeStartFailure(Cause.fail(new StepFailed({ cause: "port 8080 taken" })))).toBe(
    "port 8080 taken",
  );
});

test("a failure with no message at all still names itself; a defect keeps its trace", () => {
  expect(describeStartFailure(Cause.fail(new StepFailed({ cause: undefined })))).toContain("StepFailed");
  const defect = describeStartFailure(Cause.die(new TypeError("x is undefined")));
  expect(defect).toContain("TypeError: x is undefined");
  expect(defect).toContain("at ");
});

test("an interruption (Ctrl-C while starting) says so", () => {
  expect(describeStartFailure(Cause.interrupt(FiberId.none))).toBe("interrupted");
});
