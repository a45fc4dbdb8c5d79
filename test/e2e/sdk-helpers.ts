// Shared by the SDK's end-to-end tests: Kubernetes calls against local mode, and a warm pool that never
// becomes ready (its image is unknown to the node agent) for timeout tests.
import { type KubeObject, refs } from "../../src/kube/index";
import type { KubeOn } from "../support/kube";
import { until } from "../support/until";

/** Names of the SandboxClaims in `default`. */
export const claimNames = async (kube: KubeOn): Promise<string[]> =>
  (await kube((k) => k.listAll(refs.sandboxClaim, { namespace: "default" }))).items.map(
    (c) => c.metadata?.name ?? "",
  );

/** Waits until no claim is left in `default` (claims are deleted asynchronously by finalizers). */
export const noClaimsLeft = (kube: KubeOn) =>
  until("all claims deleted", async () => ((await claimNames(kube)).length === 0 ? true : undefined));

/** A template whose image no node can run, and a warm pool of it: claims from it never become Ready. */
export const createStuckPool = async (kube: KubeOn, name: string): Promise<void> => {
  const template: KubeObject = {
    apiVersion: "extensions.agents.x-k8s.io/v1beta1",
    kind: "SandboxTemplate",
    metadata: { name, namespace: "default" },
    spec: {
      podTemplate: {
        spec: { containers: [{ name: "main", image: "registry.invalid/no-such-image:1" }] },
      },
    },
  };
  await kube((k) => k.create(refs.sandboxTemplate, template));
  await kube((k) =>
    k.create(refs.sandboxWarmPool, {
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxWarmPool",
      metadata: { name, namespace: "default" },
      spec: { replicas: 1, sandboxTemplateRef: { name } },
    }),
  );
};

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
