import { afterAll, describe, expect, test } from "bun:test";
import { Either } from "effect";
import fc from "fast-check";
import { splitCommand } from "../../../src/runtime/shlex";
import { PythonOracle } from "./python-oracle";

const oracle = new PythonOracle(`import shlex
def answer(s):
    try:
        return {"ok": shlex.split(s)}
    except ValueError as e:
        return {"error": str(e)}`);

afterAll(() => oracle.close());

const ours = (s: string) => {
  const result = splitCommand(s);
  return Either.isRight(result) ? { ok: result.right } : { error: result.left.message };
};

// Characters shlex treats specially, plus ordinary and non-ASCII ones, so quoting and escaping
// interleave often.
const commandChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(" ", "\t", "\n", "\r", "'", '"', "\\", "#", ";", "|", "$", "*") },
  { weight: 4, arbitrary: fc.constantFrom("a", "b", "echo", "=", "-", "é", "😀", "\u00a0") },
  { weight: 1, arbitrary: fc.string({ maxLength: 2 }) },
);
const command = fc.array(commandChar, { maxLength: 24 }).map((parts) => parts.join(""));

describe("splitCommand agrees with Python's shlex.split", () => {
  test("on random command lines", async () => {
    await fc.assert(
      fc.asyncProperty(command, async (s) => {
        expect(ours(s)).toEqual((await oracle.ask(s)) as ReturnType<typeof ours>);
      }),
      { numRuns: 400 },
    );
  });

  test("on full-unicode strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 16 }), async (s) => {
        expect(ours(s)).toEqual((await oracle.ask(s)) as ReturnType<typeof ours>);
      }),
      { numRuns: 100 },
    );
  });
});
