import { describe, expect, test } from "bun:test";
import { filesErrorFromFs } from "../../../src/runtime/fs-errors";
import { NAME_MAX_BYTES, overlongComponent } from "../../../src/runtime/path-limits";

const fsError = (code: string) => Object.assign(new Error(`${code}: from the filesystem`), { code });

describe("filesErrorFromFs: filesystem errors as sandboxd errors", () => {
  test.each([
    ["ENAMETOOLONG", 400, "INVALID_ARGUMENT"],
    ["ENOENT", 404, "NOT_FOUND"],
    ["ENOTDIR", 404, "NOT_FOUND"],
    ["EACCES", 403, "PERMISSION_DENIED"],
    ["EPERM", 403, "PERMISSION_DENIED"],
  ])("%s is %d %s", async (code, status, name) => {
    const res = filesErrorFromFs(fsError(code), "some/path");
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code: name, path: "some/path" });
  });

  test("the server's own faults stay a 500 that names the cause", async () => {
    const res = filesErrorFromFs(fsError("ENOSPC"), "big.bin");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      code: "INTERNAL",
      path: "big.bin",
      message: "ENOSPC: from the filesystem",
    });
    expect(filesErrorFromFs("not an error object", "x").status).toBe(500);
  });
});

describe("overlongComponent: Linux's 255-byte limit per name", () => {
  test("counts UTF-8 bytes, not characters", () => {
    expect(overlongComponent("x".repeat(NAME_MAX_BYTES))).toBeUndefined();
    expect(overlongComponent(`dir/${"é".repeat(127)}`)).toBeUndefined();
    expect(overlongComponent(`dir/${"é".repeat(128)}/f`)).toBe(
      "a path component is 256 bytes long; the limit is 255",
    );
  });

  test("any component may be the long one; a long path of short names is fine", () => {
    expect(overlongComponent(`${"a".repeat(300)}/b`)).toMatch(/300 bytes/);
    expect(overlongComponent(Array.from({ length: 40 }, () => "n".repeat(200)).join("/"))).toBeUndefined();
  });
});
