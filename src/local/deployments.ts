// Local mode's Deployment controller: keeps each Deployment's pods (owned by it, labelled with the template
// hash) at `spec.replicas` and writes the status `kubectl rollout status` and `kubectl wait` read. The API
// server's garbage collector removes the pods of a deleted Deployment through their owner references.
import { Effect, type Scope, Stream } from "effect";
import {
  type CacheEvent,
  type Informer,
  KubeClient,
  type KubeObject,
  keyOf,
  makeInformer,
  makeWorkQueue,
  parseKey,
  type ResourceRef,
  refs,
  runController,
  typedRef,
} from "../kube/index";
import {
  type Deployment,
  type DeploymentStatus,
  isOwnedBy,
  type OwnedPod,
  planDeployment,
} from "./deployment-plan";

export const deploymentRef: ResourceRef<Deployment> = {
  group: "apps",
  version: "v1",
  plural: "deployments",
  kind: "Deployment",
  namespaced: true,
};

/** While a reconcile's writes are not in the cache yet, it waits rather than acting twice. */
interface Expectations {
  /** Names of pods created and not seen yet. */
  readonly creates: Set<string>;
  /** Uids of pods deleted and still seen without a deletionTimestamp. */
  readonly deletes: Set<string>;
}

const sameStatus = (a: Partial<DeploymentStatus> | undefined, b: DeploymentStatus) =>
  JSON.stringify(a ?? {}) === JSON.stringify(b);

const controllerOwner = (pod: KubeObject) =>
  pod.metadata?.ownerReferences?.find((o) => o.controller === true && o.kind === "Deployment");

/** Runs until the scope closes; `pods` is a pod informer to share (one is made when absent). */
export const runDeploymentController = (
  shared?: Informer<OwnedPod>,
): Effect.Effect<void, never, KubeClient | Scope.Scope> =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const deployments = yield* makeInformer(deploymentRef);
    const pods = shared ?? (yield* makeInformer(typedRef<OwnedPod>(refs.pod)));
    const queue = yield* makeWorkQueue();
    yield* Effect.addFinalizer(() => queue.shutdown);
    const expectations = new Map<string, Expectations>();

    const settled = (key: string, owned: readonly OwnedPod[]): boolean => {
      const e = expectations.get(key);
      if (e === undefined) return true;
      for (const name of e.creates) if (owned.some((p) => p.metadata?.name === name)) e.creates.delete(name);
      for (const uid of e.deletes)
        if (!owned.some((p) => p.metadata?.uid === uid && p.metadata.deletionTimestamp === undefined))
          e.deletes.delete(uid);
      return e.creates.size === 0 && e.deletes.size === 0;
    };

    const reconcile = (key: string) =>
      Effect.gen(function* () {
        const deployment = deployments.getByKey(key);
        if (deployment === undefined || deployment.metadata?.deletionTimestamp !== undefined) {
          expectations.delete(key);
          return undefined;
        }
        const namespace = parseKey(key).namespace ?? "default";
        const owned = pods.list(namespace).filter((p) => isOwnedBy(p, deployment));
        // Pod events bring the key back; the requeue covers an event that arrives before this check.
        if (!settled(key, owned)) return { requeueAfter: "1 second" as const };
        const plan = planDeployment(deployment, owned, new Date().toISOString());
        const expected: Expectations = { creates: new Set(), deletes: new Set() };
        expectations.set(key, expected);
        for (const action of plan.actions) {
          if (action._tag === "Create") {
            const created = yield* kube.create(refs.pod, action.pod);
            expected.creates.add(created.metadata?.name ?? "");
          } else {
            expected.deletes.add(action.uid);
            yield* kube
              .delete(refs.pod, action.name, { namespace, preconditions: { uid: action.uid } })
              .pipe(Effect.catchTags({ NotFound: () => Effect.void, Conflict: () => Effect.void }));
          }
        }
        if (!sameStatus(deployment.status, plan.status))
          yield* kube
            .patchStatus(
              deploymentRef,
              deployment.metadata?.name ?? "",
              { type: "merge", body: { status: plan.status } },
              { namespace },
            )
            .pipe(Effect.catchTag("NotFound", () => Effect.void));
        return undefined;
      });

    const enqueueDeployment = (event: CacheEvent<Deployment>) =>
      event._tag === "Synced"
        ? Effect.void
        : queue.add(keyOf(event.object.metadata?.namespace, event.object.metadata?.name ?? ""));
    const enqueueOwner = (event: CacheEvent<OwnedPod>) => {
      if (event._tag === "Synced") return Effect.void;
      const owner = controllerOwner(event.object);
      return owner === undefined
        ? Effect.void
        : queue.add(keyOf(event.object.metadata?.namespace, owner.name));
    };
    yield* Effect.forkScoped(Stream.runForEach(deployments.stream, enqueueDeployment));
    yield* Effect.forkScoped(Stream.runForEach(pods.stream, enqueueOwner));
    yield* Effect.all([deployments.waitForSync, pods.waitForSync], { discard: true });
    yield* Effect.forkScoped(runController(queue, reconcile, { concurrency: 4, name: "deployment" }));
  });
