import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { splitCommand } from "../../../src/runtime/shlex";

const split = (s: string) => Either.getOrThrow(splitCommand(s));
const failure = (s: string) => Either.flip(splitCommand(s)).pipe(Either.getOrThrow).message;

describe("splitCommand", () => {
  test("splits on whitespace runs", () => {
    expect(split("  echo \t hello\nworld ")).toEqual(["echo", "hello", "world"]);
    expect(split("")).toEqual([]);
    expect(split("   ")).toEqual([]);
  });

  test("single quotes keep everything literal, backslashes included", () => {
    expect(split("echo 'Hello from Local!'")).toEqual(["echo", "Hello from Local!"]);
    expect(split("echo 'a\\b'")).toEqual(["echo", "a\\b"]);
  });

  test("double quotes let a backslash escape only a quote or a backslash", () => {
    expect(split('echo "a \\" b"')).toEqual(["echo", 'a " b']);
    expect(split('echo "a\\\\b"')).toEqual(["echo", "a\\b"]);
    expect(split('echo "a\\nb"')).toEqual(["echo", "a\\nb"]);
  });

  test("a backslash outside quotes escapes any character", () => {
    expect(split("echo a\\ b \\'q\\'")).toEqual(["echo", "a b", "'q'"]);
  });

  test("quoted empty strings are arguments; adjacent pieces join", () => {
    expect(split("a '' \"\" b")).toEqual(["a", "", "", "b"]);
    expect(split("x'y'\"z\"w")).toEqual(["xyzw"]);
  });

  test("no shell syntax: comments, pipes and globs are ordinary characters", () => {
    expect(split("echo #not-a-comment | wc *.txt && $HOME")).toEqual([
      "echo",
      "#not-a-comment",
      "|",
      "wc",
      "*.txt",
      "&&",
      "$HOME",
    ]);
  });

  test("reports unterminated quotes and trailing escapes with Python's wording", () => {
    expect(failure("echo 'oops")).toBe("No closing quotation");
    expect(failure('echo "oops')).toBe("No closing quotation");
    expect(failure("echo oops\\")).toBe("No escaped character");
    expect(failure('echo "oops\\')).toBe("No escaped character");
  });
});
