// KubeClient calls against a running system from test code, as Promises.
import { Effect } from "effect";
import { KubeClient } from "../../src/kube/index";

/** Runs KubeClient effects against the kubeconfig `system()` names at call time (set in a beforeAll). */
export const kubeOn =
  (system: () => { readonly kubeconfigPath: string }) =>
  <A, E>(f: (k: typeof KubeClient.Service) => Effect.Effect<A, E>): Promise<A> =>
    Effect.runPromise(
      Effect.flatMap(KubeClient, f).pipe(Effect.provide(KubeClient.layer(system().kubeconfigPath))),
    );

export type KubeOn = ReturnType<typeof kubeOn>;
