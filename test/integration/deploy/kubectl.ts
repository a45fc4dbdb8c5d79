// Runs kubectl and helm against an embedded API server for the deploy tests: a kubeconfig in a temp dir,
// and `kubectl apply --server-side=false` of rendered text.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Cluster {
  readonly server: ApiServerHandle;
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly kubectl: (args: ReadonlyArray<string>, stdin?: string) => Promise<KubectlResult>;
  /** kubectl that throws with kubectl's output on a non-zero exit. */
  readonly kubectlOk: (args: ReadonlyArray<string>, stdin?: string) => Promise<string>;
  /** helm with this cluster's kubeconfig; throws with helm's output on a non-zero exit. */
  readonly helmOk: (args: ReadonlyArray<string>) => Promise<string>;
  /** Client-side apply of a YAML stream. */
  readonly apply: (yaml: string) => Promise<string>;
  readonly stop: () => Promise<void>;
}

export const startCluster = async (): Promise<Cluster> => {
  const dir = mkdtempSync(join(tmpdir(), "deploy-apply-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  const server = await startApiServer({ storage: ":memory:", port: 0, kubeconfigPath });
  writeFileSync(kubeconfigPath, server.kubeconfig);
  // Asynchronous on purpose: the API server runs in this process, so a blocking spawn would deadlock it.
  const exec = async (
    command: string,
    args: ReadonlyArray<string>,
    stdin?: string,
  ): Promise<KubectlResult> => {
    const proc = Bun.spawn([command, "--kubeconfig", kubeconfigPath, ...args], {
      stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    return { code, stdout, stderr };
  };
  const kubectl = (args: ReadonlyArray<string>, stdin?: string) => exec("kubectl", args, stdin);
  const ok = async (command: string, args: ReadonlyArray<string>, stdin?: string): Promise<string> => {
    const result = await exec(command, args, stdin);
    if (result.code !== 0) {
      throw new Error(
        `${command} ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  };
  const kubectlOk = (args: ReadonlyArray<string>, stdin?: string) => ok("kubectl", args, stdin);
  return {
    server,
    dir,
    kubeconfigPath,
    kubectl,
    kubectlOk,
    helmOk: (args) => ok("helm", args),
    apply: (yaml) => kubectlOk(["apply", "--server-side=false", "-f", "-"], yaml),
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
