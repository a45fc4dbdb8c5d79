// Lints deploy/images: pinned bases, non-root users, exec-form entry points, distroless where no shell is needed.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARIES } from "../../../scripts/build-binaries";
import { finalImage, lintContainerfile, parseContainerfile } from "./containerfile";

const imagesDir = join(import.meta.dir, "../../../deploy/images");
const read = (component: string) => readFileSync(join(imagesDir, `${component}.Containerfile`), "utf8");

describe("deploy/images", () => {
  for (const { component, binary } of BINARIES) {
    test(`${component}.Containerfile passes every rule`, () => {
      expect(lintContainerfile(read(component))).toEqual([]);
    });

    test(`${component}.Containerfile builds ${binary} in a separate stage and runs it`, () => {
      const stages = parseContainerfile(read(component));
      expect(stages.length).toBeGreaterThanOrEqual(2);
      const final = stages.at(-1)!;
      const entrypoint = final.instructions.find((i) => i.keyword === "ENTRYPOINT")!;
      expect(JSON.parse(entrypoint.args)[0]).toBe(`/usr/local/bin/${binary}`);
      expect(stages[0]!.instructions.some((i) => i.args.includes(`--only ${component}`))).toBe(true);
    });
  }

  test("controller and router run on distroless (no shell); the runtime on Python as uid 1000 in /app", () => {
    expect(finalImage(read("controller"))).toStartWith("gcr.io/distroless/");
    expect(finalImage(read("router"))).toStartWith("gcr.io/distroless/");
    const runtime = parseContainerfile(read("runtime")).at(-1)!;
    expect(runtime.image).toStartWith("docker.io/library/python:3.12-");
    expect(runtime.instructions.find((i) => i.keyword === "USER")?.args).toBe("1000:1000");
    expect(runtime.instructions.find((i) => i.keyword === "WORKDIR")?.args).toBe("/app");
  });
});

describe("the lint rules catch what they are for", () => {
  const good = `FROM docker.io/library/node:20-slim AS build\nRUN true\nFROM gcr.io/distroless/cc-debian12:nonroot\nCOPY --from=build /a /a\nUSER 65532\nENTRYPOINT ["/a"]\n`;

  test("a clean file has no findings", () => expect(lintContainerfile(good)).toEqual([]));

  test.each([
    ["an untagged base", good.replace("node:20-slim", "node"), "without a tag"],
    ["a latest base", good.replace("node:20-slim", "node:latest"), 'tag "latest"'],
    ["no USER", good.replace("USER 65532\n", ""), "sets no USER"],
    ["USER root", good.replace("USER 65532", "USER root"), "runs as root"],
    ["USER 0:0", good.replace("USER 65532", "USER 0:0"), "runs as root"],
    ["shell-form ENTRYPOINT", good.replace('["/a"]', "/a"), "exec (JSON array) form"],
    ["COPY from an unknown stage", good.replace("--from=build", "--from=bulid"), "names no build stage"],
    ["ADD of a URL", good.replace("RUN true", "ADD https://example.com/x /x"), "ADD of a URL"],
  ])("%s", (_name, text, finding) => {
    expect(lintContainerfile(text).join("\n")).toContain(finding);
  });

  test("continuations and comments are joined and skipped", () => {
    const stages = parseContainerfile("# c\nFROM a:1\nRUN one \\\n  two\n# c2\nUSER 1\n");
    expect(stages[0]!.instructions.map((i) => [i.keyword, i.args, i.line])).toEqual([
      ["RUN", "one two", 3],
      ["USER", "1", 6],
    ]);
  });

  test("bad input is rejected with a clear error", () => {
    expect(() => parseContainerfile("")).toThrow("no FROM instruction");
    expect(() => parseContainerfile("RUN x\nFROM a:1")).toThrow("line 1: RUN before FROM");
  });
});
