import { Deferred, Effect, PubSub, type Scope, Stream } from "effect";
import type { KubeClient } from "./client";
import type { KubeObject } from "./object";
import type { ResourceRef } from "./resources";
import type { Selector } from "./selector";
import { type CacheEvent, Store } from "./store";
import { type WatcherOptions, watchInto } from "./watcher";

export interface InformerOptions extends WatcherOptions {
  /** Label keys to index; default every key. */
  readonly indexedLabels?: ReadonlyArray<string>;
}

/**
 * A shared, always-current cache of one resource (watcher -> reflector). Reads are synchronous; a controller
 * that restarts rebuilds its whole view from `list`/`stream` without asking the API server.
 */
export interface Informer<T extends KubeObject> {
  readonly ref: ResourceRef<T>;
  readonly get: (name: string, namespace?: string) => T | undefined;
  readonly getByKey: (key: string) => T | undefined;
  readonly list: (namespace?: string, selector?: Selector) => T[];
  /** Shared with other callers until the next change among these objects: read it, never change it. */
  readonly byLabel: (key: string, value: string, namespace?: string) => ReadonlyArray<T>;
  readonly keys: () => IterableIterator<string>;
  readonly hasSynced: () => boolean;
  /** Completes once the first list is in the cache. */
  readonly waitForSync: Effect.Effect<void>;
  /** Changes from now on. */
  readonly changes: Stream.Stream<CacheEvent<T>>;
  /** `Added` for everything cached now, then changes: what an event handler registered late needs. */
  readonly stream: Stream.Stream<CacheEvent<T>>;
  /**
   * `stream` without the queue: `handler` gets `Added` for everything cached now, then each chunk of changes
   * on the watch's own fiber, until the scope closes. The watch waits for it, so it must be quick. As with
   * `stream`, the first changes may overlap the replay.
   */
  readonly handle: (handler: ChangeHandler<T>) => Effect.Effect<void, never, Scope.Scope>;
}

export type ChangeHandler<T extends KubeObject> = (
  changes: ReadonlyArray<CacheEvent<T>>,
) => Effect.Effect<void>;

/** Starts the watch in the current scope; it stops when the scope closes. */
export const makeInformer = <T extends KubeObject>(
  ref: ResourceRef<T>,
  options: InformerOptions = {},
): Effect.Effect<Informer<T>, never, KubeClient | Scope.Scope> =>
  Effect.gen(function* () {
    const store = new Store<T>(options.indexedLabels);
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<CacheEvent<T>>(), PubSub.shutdown);
    const synced = yield* Deferred.make<void>();
    const handlers = new Set<ChangeHandler<T>>();
    // A chunk of watch events (a burst arrives as one) goes into the store and out to subscribers in one step,
    // on the watch's own fiber.
    yield* watchInto(ref, options, (events) =>
      Effect.suspend(() => {
        const changes: CacheEvent<T>[] = [];
        let listed = false;
        for (const event of events) {
          for (const change of store.apply(event)) changes.push(change);
          if (event._tag === "Synced") listed = true;
        }
        return Effect.zipRight(
          listed ? Deferred.succeed(synced, undefined) : Effect.void,
          changes.length === 0
            ? Effect.void
            : Effect.zipRight(
                Effect.forEach(handlers, (handler) => handler(changes), { discard: true }),
                PubSub.publishAll(hub, changes),
              ),
        );
      }),
    ).pipe(Effect.forkScoped);
    const changes = Stream.fromPubSub(hub);
    return {
      ref,
      get: (name, namespace) => store.get(name, namespace),
      getByKey: (key) => store.getByKey(key),
      list: (namespace, selector) => store.list(namespace, selector),
      byLabel: (key, value, namespace) => store.byLabel(key, value, namespace),
      keys: () => store.keys(),
      hasSynced: () => store.hasSynced(),
      waitForSync: Deferred.await(synced),
      changes,
      stream: Stream.unwrapScoped(
        Effect.gen(function* () {
          // Subscribe before taking the snapshot so nothing falls between them (duplicates are harmless).
          const live = yield* PubSub.subscribe(hub);
          const now = store.list().map((object): CacheEvent<T> => ({ _tag: "Added", object }));
          return Stream.concat(Stream.fromIterable(now), Stream.fromQueue(live));
        }),
      ),
      handle: (handler) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            handlers.add(handler);
            return store.list().map((object): CacheEvent<T> => ({ _tag: "Added", object }));
          }),
          () => Effect.sync(() => handlers.delete(handler)),
        ).pipe(Effect.flatMap((cached) => (cached.length > 0 ? handler(cached) : Effect.void))),
    };
  });
