import { Either } from "effect";
import type { ValidationIssue } from "./responses";

export interface ExecuteRequest {
  readonly command: string;
  /** The SDK's `command_timeout`; the server default applies when absent. */
  readonly timeoutSeconds?: number;
}

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/** Validates a `/execute` body the way FastAPI/pydantic would, with the same 422 issue shapes. */
export const parseExecuteBody = (text: string): Either.Either<ExecuteRequest, ValidationIssue[]> => {
  if (text.trim() === "")
    return Either.left([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const ctx = { error: error instanceof Error ? error.message : String(error) };
    return Either.left([
      { type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx },
    ]);
  }
  if (!isObject(body)) {
    const msg = "Input should be a valid dictionary or object to extract fields from";
    return Either.left([{ type: "model_attributes_type", loc: ["body"], msg, input: body }]);
  }
  const issues: ValidationIssue[] = [];
  const { command, timeout_seconds: timeout } = body;
  if (command === undefined)
    issues.push({ type: "missing", loc: ["body", "command"], msg: "Field required", input: body });
  else if (typeof command !== "string")
    issues.push({
      type: "string_type",
      loc: ["body", "command"],
      msg: "Input should be a valid string",
      input: command,
    });
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== "number" || !Number.isFinite(timeout))
      issues.push({
        type: "float_type",
        loc: ["body", "timeout_seconds"],
        msg: "Input should be a valid number",
        input: timeout,
      });
    else if (timeout <= 0)
      issues.push({
        type: "greater_than",
        loc: ["body", "timeout_seconds"],
        msg: "Input should be greater than 0",
        input: timeout,
        ctx: { gt: 0 },
      });
  }
  if (issues.length > 0) return Either.left(issues);
  return Either.right(
    typeof timeout === "number"
      ? { command: command as string, timeoutSeconds: timeout }
      : { command: command as string },
  );
};
