// Starts local mode on free ports, for end-to-end tests: in a fresh state directory (removed on stop), or in
// the caller's `stateDir` (kept, so a test can start local mode on it again).
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
  const fresh = overrides.stateDir === undefined;
  const stateDir = overrides.stateDir ?? (await mkdtemp(join(tmpdir(), "agent-sandbox-e2e-")));
  const config: LocalConfig = {
    apiPort: 0,
    routerPort: 0,
    host: "127.0.0.1",
    warmPoolReplicas: 2,
    namespace: "default",
    isolation: true,
    ...overrides,
    stateDir,
  };
  const scope = Effect.runSync(Scope.make());
  const stop = async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void));
    if (fresh) await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const system = await Effect.runPromise(Scope.extend(startLocal(config), scope));
    return { ...system, config, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** The environment local mode tells its users to set, on top of this process's own. */
export const clientEnv = (local: LocalSystem): Record<string, string | undefined> => ({
  ...process.env,
  KUBECONFIG: local.kubeconfigPath,
  SANDBOX_ROUTER_URL: local.routerUrl,
});

/** Processes still running whose command line mentions one of these pod IPs (the runtime's `--host`). */
export const processesServing = async (podIPs: ReadonlyArray<string>): Promise<string[]> => {
  const proc = Bun.spawn(["ps", "-eo", "pid,args"], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  return out.split("\n").filter((line) => podIPs.some((ip) => line.includes(`--host ${ip} `)));
};
