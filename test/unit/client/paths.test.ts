import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import fc from "fast-check";
import { encodeWhole, sandboxPath } from "../../../src/client/paths";

const ok = (path: string) => Either.getOrThrow(sandboxPath(path));
const refused = (path: string) => Either.isLeft(sandboxPath(path));

describe("sandboxPath", () => {
  test("normalises relative and absolute paths into the base directory", () => {
    expect(ok("a.txt")).toBe("a.txt");
    expect(ok("/work/a.txt")).toBe("work/a.txt");
    expect(ok("./a//b/")).toBe("a/b");
  });

  test("refuses escapes, control characters and paths that name no file", () => {
    for (const path of ["../x", "a/../../x", "a\\..\\x", "..", "a\u0000b", "line\nbreak", "", "/", ".", "./"])
      expect(refused(path)).toBe(true);
    const error = sandboxPath("../x");
    expect(Either.isLeft(error) && error.left._tag).toBe("InvalidPath");
  });

  test("property: an accepted path is relative, has no '..' segment and is stable", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "/", ".", "\\", "b") }), (path) => {
        const result = sandboxPath(path);
        if (Either.isLeft(result)) return;
        expect(result.right.startsWith("/")).toBe(false);
        expect(result.right.split("/")).not.toContain("..");
        expect(ok(result.right)).toBe(result.right);
      }),
      { numRuns: 300 },
    );
  });

  test("encodeWhole sends `/` as %2F", () => {
    expect(encodeWhole("a b/c")).toBe("a%20b%2Fc");
  });
});
