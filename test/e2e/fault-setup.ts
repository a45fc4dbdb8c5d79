// What the fault tests share: a system started before the file's tests with a KubeApi on its kubeconfig,
// both stopped after them.
import { afterAll, beforeAll } from "bun:test";
import { type KubeApi, kubeApi } from "../../bench/soak/kube";

interface System {
  readonly kubeconfigPath: string;
  readonly routerUrl: string;
  stop(): Promise<void>;
}

export interface FaultSetup<S extends System> {
  /** The started system; read it inside tests, after beforeAll has run. */
  readonly system: S;
  readonly kube: KubeApi;
}

/** Registers the hooks that start `start()` (in namespace `default`) and stop it after the file's tests. */
export const faultSetup = <S extends System>(start: () => Promise<S>): FaultSetup<S> => {
  let system: S | undefined;
  let kube: KubeApi | undefined;
  beforeAll(async () => {
    system = await start();
    kube = kubeApi(system.kubeconfigPath, "default");
  });
  afterAll(async () => {
    await kube?.dispose();
    await system?.stop();
  });
  const started = <A>(value: A | undefined): A => {
    if (value === undefined) throw new Error("the fault test's system is not started (beforeAll failed?)");
    return value;
  };
  return {
    get system() {
      return started(system);
    },
    get kube() {
      return started(kube);
    },
  };
};
