// The real kubectl against a suite's own API server over HTTPS: the server and a kubeconfig for it in a fresh
// directory are set up before the suite's tests and removed after them.
import { afterAll, beforeAll, expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProcessResult, runProcess, runProcessOk } from "../../support/process";
import { collectText, type Running, start } from "./helpers";

// From the repository root, so tests can name files such as crds/ and samples/.
const ROOT = join(import.meta.dir, "../../..");

/** A long-running kubectl (`get -w`) whose output is collected as it arrives. */
export interface KubectlWatch {
  /** What it has printed so far. */
  text(): string;
  /** Ends it and waits for its output to be read. */
  stop(): Promise<void>;
}

export interface KubectlSuite {
  /** The suite's server, once its beforeAll has run. */
  server(): Running;
  /** Runs kubectl to its end and collects its exit code and output. */
  run(args: ReadonlyArray<string>, stdin?: string): Promise<ProcessResult>;
  /** `run` for commands that must succeed: their stdout. */
  ok(args: ReadonlyArray<string>, stdin?: string): Promise<string>;
  watch(args: ReadonlyArray<string>): KubectlWatch;
}

/** Registers the suite's setup and teardown; call it at the top of a test file. */
export const kubectlSuite = (dirPrefix: string): KubectlSuite => {
  let running: Running | undefined;
  let dir = "";
  const command = (args: ReadonlyArray<string>) => ["kubectl", "--kubeconfig", join(dir, "config"), ...args];
  beforeAll(async () => {
    expect(Bun.which("kubectl")).not.toBeNull();
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    running = await start({ tls: true, kubeconfigPath: join(dir, "config") });
  });
  afterAll(async () => {
    await running?.server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    server: () => {
      if (running === undefined) throw new Error("the suite's server is started in beforeAll");
      return running;
    },
    run: (args, stdin) => runProcess(command(args), { cwd: ROOT, stdin }),
    ok: (args, stdin) => runProcessOk(command(args), { cwd: ROOT, stdin }),
    watch: (args) => {
      const proc = Bun.spawn(command(args), { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
      const output = collectText(proc.stdout);
      return {
        text: output.text,
        stop: async () => {
          proc.kill();
          await proc.exited;
          await output.done;
        },
      };
    },
  };
};
