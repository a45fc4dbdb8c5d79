import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { resolveConfined } from "../../../src/runtime/confine";
import { PythonOracle } from "./python-oracle";

// upstream's rule: realpath(join(base, path.lstrip("/"))) must have base as its common path.
const oracle = new PythonOracle(`import os
def answer(req):
    base, path = req
    full = os.path.realpath(os.path.join(base, path.lstrip("/")))
    return full if os.path.commonpath([base, full]) == base else None`);

let root: string;
let base: string;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "confine-")));
  base = join(root, "base");
  const outside = join(root, "outside");
  await mkdir(join(base, "a", "deep"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(base, "a", "f"), "x");
  await writeFile(join(outside, "secret"), "s");
  await symlink("a", join(base, "in"));
  await symlink("../outside", join(base, "out"));
  await symlink(outside, join(base, "abs"));
  await symlink("..", join(base, "up"));
  await symlink("..", join(base, "a", "back"));
  await symlink("../..", join(base, "a", "deep", "twoup"));
  await symlink(join(base, "a"), join(base, "absin"));
  await symlink("nothing-here", join(base, "dangling"));
  await symlink("loop", join(base, "loop"));
});

afterAll(async () => {
  await oracle.close();
  await rm(root, { recursive: true, force: true });
});

const segments = [
  "a",
  "f",
  "deep",
  "twoup",
  "in",
  "out",
  "abs",
  "up",
  "back",
  "absin",
  "dangling",
  "x",
  "..",
  ".",
  "",
];
const pathOf = (extra: readonly string[]) =>
  fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom(...segments, ...extra), { maxLength: 7 }))
    .map(([lead, parts]) => `${lead ? "/" : ""}${parts.join("/")}`);

/** The deepest existing ancestor's real path: where a write to `p` would actually land. */
const landing = async (p: string): Promise<string> => {
  for (let dir = p; ; dir = dirname(dir)) {
    const real = await realpath(dir).catch(() => undefined);
    if (real !== undefined) return real;
  }
};

describe("resolveConfined", () => {
  test("decides exactly as upstream's realpath + commonpath rule", async () => {
    await fc.assert(
      fc.asyncProperty(pathOf([]), async (p) => {
        expect((await resolveConfined(base, p)) ?? null).toBe((await oracle.ask([base, p])) as string | null);
      }),
      { numRuns: 300 },
    );
  });

  test("never yields a path that lands outside the base directory", async () => {
    await fc.assert(
      fc.asyncProperty(pathOf(["loop", "%2F..", "a\0b"]), async (p) => {
        const resolved = await resolveConfined(base, p);
        if (resolved === undefined) return;
        expect(resolved === base || resolved.startsWith(`${base}/`)).toBe(true);
        const real = await landing(resolved);
        expect(real === base || real.startsWith(`${base}/`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
