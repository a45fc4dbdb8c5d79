// Starts local mode on free ports in a fresh state directory, for end-to-end tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Exit, Scope } from "effect";
import { type LocalSystem, startLocal } from "../../src/local/compose";
import type { LocalConfig } from "../../src/local/config";

export interface LocalHandle extends LocalSystem {
  readonly config: LocalConfig;
  stop(): Promise<void>;
}

export const startLocalForTest = async (overrides: Partial<LocalConfig> = {}): Promise<LocalHandle> => {
  const stateDir = await mkdtemp(join(tmpdir(), "agent-sandbox-e2e-"));
  const config: LocalConfig = {
    stateDir,
    apiPort: 0,
    routerPort: 0,
    host: "127.0.0.1",
    warmPoolReplicas: 2,
    namespace: "default",
    isolation: true,
    ...overrides,
  };
  const scope = Effect.runSync(Scope.make());
  const stop = async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void));
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const system = await Effect.runPromise(Scope.extend(startLocal(config), scope));
    return { ...system, config, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** Processes still running whose command line mentions one of these pod IPs (the runtime's `--host`). */
export const processesServing = async (podIPs: ReadonlyArray<string>): Promise<string[]> => {
  const proc = Bun.spawn(["ps", "-eo", "pid,args"], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  return out.split("\n").filter((line) => podIPs.some((ip) => line.includes(`--host ${ip} `)));
};
