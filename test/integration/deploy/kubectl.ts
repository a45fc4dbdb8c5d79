// Runs kubectl and helm against an embedded API server for the deploy tests: a kubeconfig in a temp dir,
// and `kubectl apply --server-side=false` of rendered text.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";
import { type ProcessResult, runProcess, runProcessOk } from "../../support/process";

export interface Cluster {
  readonly server: ApiServerHandle;
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly kubectl: (args: ReadonlyArray<string>, stdin?: string) => Promise<ProcessResult>;
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
  const withConfig = (command: string, args: ReadonlyArray<string>) => [
    command,
    "--kubeconfig",
    kubeconfigPath,
    ...args,
  ];
  const kubectl = (args: ReadonlyArray<string>, stdin?: string) =>
    runProcess(withConfig("kubectl", args), { stdin });
  const kubectlOk = (args: ReadonlyArray<string>, stdin?: string) =>
    runProcessOk(withConfig("kubectl", args), { stdin });
  return {
    server,
    dir,
    kubeconfigPath,
    kubectl,
    kubectlOk,
    helmOk: (args) => runProcessOk(withConfig("helm", args)),
    apply: (yaml) => kubectlOk(["apply", "--server-side=false", "-f", "-"], yaml),
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
