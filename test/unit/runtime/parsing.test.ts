import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { parseExecBody } from "../../../src/runtime/exec-body";
import { parseExecuteBody } from "../../../src/runtime/execute-body";
import { attachmentDisposition, quote } from "../../../src/runtime/py-quote";
import { unquote } from "../../../src/runtime/unquote";

describe("unquote (Python's urllib.parse.unquote)", () => {
  test("decodes escapes, including UTF-8 sequences", () => {
    expect(unquote("a%2Fb%20c")).toBe("a/b c");
    expect(unquote("caf%C3%A9")).toBe("café");
    expect(unquote("%252F")).toBe("%2F");
  });

  test("leaves malformed escapes literal and replaces invalid UTF-8 instead of throwing", () => {
    expect(unquote("100%")).toBe("100%");
    expect(unquote("%zz%4")).toBe("%zz%4");
    expect(unquote("%ff")).toBe("\ufffd");
    expect(unquote("é%41")).toBe("éA");
  });
});

describe("quote and Content-Disposition (Starlette's FileResponse)", () => {
  test("plain names are quoted as they are, others use RFC 5987", () => {
    expect(quote("a/b c!")).toBe("a/b%20c%21");
    expect(attachmentDisposition("dir/file.txt")).toBe('attachment; filename="dir/file.txt"');
    expect(attachmentDisposition("my file é")).toBe("attachment; filename*=utf-8''my%20file%20%C3%A9");
  });
});

describe("parseExecuteBody (FastAPI's 422 shapes)", () => {
  const issues = (text: string) => Either.flip(parseExecuteBody(text)).pipe(Either.getOrThrow);

  test("accepts a command and an optional timeout", () => {
    expect(parseExecuteBody('{"command":"ls"}')).toEqual(Either.right({ command: "ls" }));
    expect(parseExecuteBody('{"command":"ls","timeout_seconds":2.5}')).toEqual(
      Either.right({ command: "ls", timeoutSeconds: 2.5 }),
    );
    expect(parseExecuteBody('{"command":"ls","timeout_seconds":null}')).toEqual(
      Either.right({ command: "ls" }),
    );
  });

  test("an empty body is a missing body", () => {
    expect(issues("")).toEqual([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
  });

  test("a missing or mistyped command", () => {
    expect(issues("{}")).toEqual([
      { type: "missing", loc: ["body", "command"], msg: "Field required", input: {} },
    ]);
    expect(issues('{"command":5}')).toEqual([
      { type: "string_type", loc: ["body", "command"], msg: "Input should be a valid string", input: 5 },
    ]);
  });

  test("invalid JSON, a non-object body and a bad timeout", () => {
    expect(issues("{nope")[0]?.type).toBe("json_invalid");
    expect(issues("[1]")[0]).toMatchObject({ type: "model_attributes_type", loc: ["body"] });
    expect(issues('{"command":"ls","timeout_seconds":"x"}')[0]?.type).toBe("float_type");
    expect(issues('{"command":"ls","timeout_seconds":0}')[0]).toMatchObject({
      type: "greater_than",
      ctx: { gt: 0 },
    });
  });
});

describe("parseExecBody", () => {
  test("accepts argv arrays and splits strings without a shell", () => {
    expect(Either.getOrThrow(parseExecBody({ command: ["sh", "-c", "echo hi"] })).argv).toEqual([
      "sh",
      "-c",
      "echo hi",
    ]);
    expect(Either.getOrThrow(parseExecBody({ command: "echo 'a b'" })).argv).toEqual(["echo", "a b"]);
  });

  test("keeps the optional fields", () => {
    const parsed = Either.getOrThrow(
      parseExecBody({
        command: "cat",
        cwd: "d",
        env: { A: "1" },
        stdin: "x",
        stdin_open: true,
        timeout_seconds: 3,
      }),
    );
    expect(parsed).toEqual({
      argv: ["cat"],
      cwd: "d",
      env: { A: "1" },
      stdin: "x",
      stdinOpen: true,
      timeoutSeconds: 3,
    });
  });

  test("rejects bad input with a readable reason", () => {
    const reason = (u: unknown) => Either.flip(parseExecBody(u)).pipe(Either.getOrThrow);
    expect(reason(null)).toBe("body must be a JSON object");
    expect(reason({ command: [] })).toBe("command is empty");
    expect(reason({ command: [1] })).toBe("command must be a string or an array of strings");
    expect(reason({ command: "echo 'x" })).toBe("command: No closing quotation");
    expect(reason({ command: "ls", env: { "A=B": "1" } })).toContain("env");
    expect(reason({ command: "ls", timeout_seconds: -1 })).toContain("timeout_seconds");
    expect(reason({ command: "ls", stdin: 3 })).toContain("stdin");
  });
});
