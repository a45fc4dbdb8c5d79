import { Effect, Exit, Scope } from "effect";
import { KubeClient } from "../kube/client";
import type { KubeSource } from "../kube/connection";
import { type NodeAgentHandle, type NodeAgentOptions, startNodeAgent } from "./agent";

export {
  type LogRequest,
  NodeAgentError,
  type NodeAgentHandle,
  type NodeAgentOptions,
  startNodeAgent,
} from "./agent";
export { DEFAULT_RUNTIME_IMAGE, RUNTIME_IMAGES } from "./images";
export type { Isolation } from "./launch";

/** The node agent for Promise callers (local mode): runs until `stop()`, which stops every pod. */
export const runNodeAgent = async (
  options: NodeAgentOptions & { readonly kube: KubeSource },
): Promise<NodeAgentHandle & { stop(): Promise<void> }> => {
  const scope = Effect.runSync(Scope.make());
  const layer = KubeClient.layer(options.kube);
  try {
    const handle = await Effect.runPromise(
      startNodeAgent(options).pipe(Effect.provide(layer), Scope.extend(scope)),
    );
    return { ...handle, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) };
  } catch (error) {
    await Effect.runPromise(Scope.close(scope, Exit.void));
    throw error;
  }
};
