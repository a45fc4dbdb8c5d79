// The read side every reconciler plans from: informer caches in the controller, snapshots in the model tests.
import type { NetworkPolicy, PersistentVolumeClaim, Pod, Service, v1beta1 } from "../../api";
import type { ChildKind } from "./actions";

export interface KindTypes {
  readonly Sandbox: v1beta1.Sandbox;
  readonly SandboxClaim: v1beta1.SandboxClaim;
  readonly SandboxWarmPool: v1beta1.SandboxWarmPool;
  readonly SandboxTemplate: v1beta1.SandboxTemplate;
  readonly Pod: Pod;
  readonly Service: Service;
  readonly PersistentVolumeClaim: PersistentVolumeClaim;
  readonly NetworkPolicy: NetworkPolicy;
}

export interface CacheView {
  get<K extends ChildKind>(kind: K, namespace: string, name: string): KindTypes[K] | undefined;
  /** Objects of a kind in a namespace, optionally only those carrying label `key=value`. */
  list<K extends ChildKind>(
    kind: K,
    namespace: string,
    label?: { readonly key: string; readonly value: string },
  ): ReadonlyArray<KindTypes[K]>;
  /** Whether claims of warm pool `pool` wait for a Sandbox (their status names none). */
  hasWaitingClaims(namespace: string, pool: string): boolean;
}
