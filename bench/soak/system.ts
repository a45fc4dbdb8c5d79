// Local mode taken apart for the soak and chaos runs: each part a process of its own (components.ts), started
// in local mode's order, and any part restarted in place of one that died.
import { join } from "node:path";
import { Effect, ManagedRuntime } from "effect";
import { KubeClient, refs } from "../../src/kube/index";
import { installCrds } from "../../src/local/crds";
import { defaultTemplate, defaultWarmPool } from "../../src/local/defaults";
import { type Component, type PartName, startComponent } from "./components";

export interface SystemOptions {
  readonly stateDir: string;
  readonly namespace: string;
  /** Replicas of the default warm pool. */
  readonly poolSize: number;
  /** Every part started is pushed here as it starts, so a caller can stop what did start if a later one fails. */
  readonly started: Component[];
  readonly apiServerArgs?: ReadonlyArray<string>;
}

/** Starts the parts in local mode's order (CRDs, template and warm pool go in once the API server is up). */
export const startSystem = async (options: SystemOptions) => {
  const { stateDir, namespace, poolSize, started } = options;
  const start = async (name: PartName, extraArgs: ReadonlyArray<string> = []) => {
    const component = await startComponent(name, stateDir, extraArgs);
    started.push(component);
    return component;
  };
  await start("apiserver", options.apiServerArgs);
  const kubeconfigPath = join(stateDir, "kubeconfig");
  const setup = ManagedRuntime.make(KubeClient.layer(kubeconfigPath));
  await setup.runPromise(installCrds);
  const node = await start("node");
  await start("controller");
  await setup.runPromise(
    Effect.flatMap(KubeClient, (k) =>
      Effect.all([
        k.create(refs.sandboxTemplate, defaultTemplate(namespace)),
        k.create(refs.sandboxWarmPool, defaultWarmPool(namespace, poolSize)),
      ]),
    ),
  );
  await setup.dispose();
  const router = await start("router");
  return { kubeconfigPath, node, routerUrl: router.url };
};

/**
 * Starts `part` again in place of one that is gone, where the others expect it: the API server and router on
 * the port they had (clients and the kubeconfig keep their URLs), the rest as before.
 */
export const restartPart = (stateDir: string, gone: Component): Promise<Component> => {
  const port = gone.url === "" ? undefined : new URL(gone.url).port;
  const keepsPort = (gone.name === "apiserver" || gone.name === "router") && port !== undefined;
  return startComponent(gone.name, stateDir, keepsPort ? ["--port", port] : []);
};
