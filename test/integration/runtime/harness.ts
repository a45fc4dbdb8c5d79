import { setDefaultTimeout } from "bun:test";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RuntimeHandle, type RuntimeOptions, startRuntime } from "../../../src/runtime";

// These suites start real servers and processes on a shared, slow machine: allow each test and hook a minute.
setDefaultTimeout(60_000);

export interface TestRuntime {
  readonly runtime: RuntimeHandle;
  readonly url: string;
  /** The runtime's base directory. */
  readonly base: string;
  /** A directory next to the base that nothing may reach. */
  readonly outside: string;
  stop(): Promise<void>;
}

/** A real runtime on a free loopback port over a fresh temp directory. */
export const startTestRuntime = async (
  options: Partial<Pick<RuntimeOptions, "execTimeoutSeconds" | "maxOutputBytes">> = {},
): Promise<TestRuntime> => {
  const root = await realpath(await mkdtemp(join(tmpdir(), "runtime-test-")));
  const base = join(root, "base");
  const outside = join(root, "outside");
  await mkdir(outside);
  const runtime = await startRuntime({ host: "127.0.0.1", port: 0, baseDir: base, ...options });
  return {
    runtime,
    url: runtime.url,
    base: runtime.baseDir,
    outside,
    stop: async () => {
      await runtime.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
};

/** Whether a process exists and is not a zombie waiting to be reaped. */
export const isAlive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

/** Polls until `check` holds, failing after a generous bound (the machine is shared and slow). */
export const eventually = async (check: () => boolean | Promise<boolean>, what: string, limitMs = 20_000) => {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
};

export const postJson = (url: string, body: unknown, init: RequestInit = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });

export const uploadForm = (name: string, content: string | Uint8Array) => {
  const form = new FormData();
  form.append("file", new Blob([content]), name);
  return form;
};
