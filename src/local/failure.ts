// What local mode says when it cannot start: the reason, in words, rather than the Effect Cause it came in.
// An expected failure is told through its chain of causes ("API server: store … is in use by another
// process"); anything else (a defect) keeps its full trace, since only that helps to find the bug.
import { Cause } from "effect";

/** The non-empty messages along an error's `cause` chain, outermost first. */
const messages = (error: unknown): string[] => {
  const out: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    if (typeof e !== "object") {
      out.push(String(e));
      break;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && message !== "") out.push(message);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
};

export const describeStartFailure = (cause: Cause.Cause<unknown>): string => {
  if (Cause.isInterruptedOnly(cause)) return "interrupted";
  const failures = [...Cause.failures(cause)];
  if (failures.length === 0 || Cause.isDie(cause)) return Cause.pretty(cause);
  return failures.map((f) => messages(f).join(": ") || Cause.pretty(Cause.fail(f))).join("\n");
};
