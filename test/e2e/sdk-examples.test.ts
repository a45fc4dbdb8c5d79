// The runnable examples as child processes against local mode, configured as local mode tells users to.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { kubeOn } from "../support/kube";
import { clientEnv, type LocalHandle, startLocalForTest } from "../support/local";
import { runProcess } from "../support/process";
import { noClaimsLeft } from "./sdk-helpers";

setDefaultTimeout(60_000);

let local: LocalHandle;
const kube = kubeOn(() => local);

const runExample = (name: string) =>
  runProcess([process.execPath, "run", join(import.meta.dir, "../../examples", name)], {
    env: clientEnv(local),
  });

beforeAll(async () => {
  local = await startLocalForTest();
});

afterAll(async () => {
  await local?.stop();
});

describe("examples", () => {
  test("hello.ts prints the article's greeting and leaves no claim", async () => {
    expect(await runExample("hello.ts")).toEqual({ stdout: "Hello from Local!\n", stderr: "", code: 0 });
    await noClaimsLeft(kube);
  });

  test("agent-tool.ts writes a program, runs it, reads its result and answers", async () => {
    const result = await runExample("agent-tool.ts");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "step 1: write_file -> wrote 253 bytes to primes.py",
      "step 2: run -> found 25 primes below 100",
      'step 3: read_file -> {"count": 25, "largest": 97}',
      "answer: 25 primes below 100, the largest is 97",
      "",
    ]);
    await noClaimsLeft(kube);
  });
});
