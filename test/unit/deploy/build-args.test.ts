// Flags of scripts/build-binaries.ts.

import { describe, expect, test } from "bun:test";
import { BINARIES, parseBuildArgs, repoRoot } from "../../../scripts/build-binaries";

describe("parseBuildArgs", () => {
  test("defaults: all three binaries into dist/bin for this machine", () => {
    expect(parseBuildArgs([], "/tmp")).toEqual({
      _tag: "Build",
      options: { components: BINARIES, outdir: `${repoRoot}/dist/bin` },
    });
  });

  test("--only, --target and a relative --outdir", () => {
    const parsed = parseBuildArgs(
      ["--only", "router,runtime", "--target", "bun-linux-arm64", "--outdir", "out"],
      "/w",
    );
    expect(parsed).toEqual({
      _tag: "Build",
      options: {
        components: BINARIES.filter((b) => b.component !== "controller"),
        outdir: "/w/out",
        target: "bun-linux-arm64",
      },
    });
  });

  test.each([
    [["--only", "router,proxy"], "unknown component(s) proxy"],
    [["--target", "linux x64"], "--target must look like bun-linux-x64"],
    [["--verbose"], "Unknown option '--verbose'"],
    [["stray"], "Unexpected argument 'stray'"],
  ])("%p is rejected: %s", (argv, message) => {
    const parsed = parseBuildArgs(argv, "/w");
    expect(parsed._tag).toBe("Invalid");
    if (parsed._tag === "Invalid") expect(parsed.message).toContain(message);
  });
});
