import { type Chunk, Clock, Data, Duration, Effect, Either, Queue, Random, Schedule, Stream } from "effect";
import { KubeClient, type RawWatchEvent } from "./client";
import { Gone, type KubeFailure } from "./errors";
import type { KubeObject } from "./object";
import type { ResourceRef } from "./resources";
import { watchReconnectSchedule } from "./schedules";
import { failureFromStatus } from "./status";

/**
 * What a watcher emits. `Synced` carries a full snapshot after every (re)list, so a consumer that keeps a cache
 * replaces it wholesale and thereby sees deletions that happened while no watch was open.
 */
export type WatcherEvent<T extends KubeObject = KubeObject> =
  | { readonly _tag: "Added" | "Modified" | "Deleted"; readonly object: T }
  | { readonly _tag: "Synced"; readonly objects: ReadonlyArray<T>; readonly resourceVersion: string };

export interface WatcherOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** List page size. Default 500. */
  readonly pageSize?: number;
  /** Each watch asks the server to end it after a random time in this range (seconds). Default [300, 600]. */
  readonly watchTimeoutSeconds?: readonly [number, number];
  /** Restart a watch that delivered nothing (not even a bookmark) for this long. Default 3 minutes. */
  readonly idleTimeout?: Duration.DurationInput;
  /** Relist this often even when the watch looks healthy. Default 30 minutes. */
  readonly relistInterval?: Duration.DurationInput;
  /** Waits between failed lists / broken watches; reset by a healthy watch. */
  readonly reconnect?: Schedule.Schedule<unknown, unknown>;
}

/** Watch ended because nothing arrived within `idleTimeout`. */
export class WatchIdle extends Data.TaggedError("WatchIdle")<{ readonly idleFor: Duration.Duration }> {}

const EVENT_TAGS: Record<string, "Added" | "Modified" | "Deleted" | undefined> = {
  ADDED: "Added",
  MODIFIED: "Modified",
  DELETED: "Deleted",
};

/** Why one watch request ended. */
type WatchEnd = "ended" | "relist";

/** A watch that ended by itself this quickly without delivering anything counts as a failure (no hot loop). */
const MIN_HEALTHY_WATCH_MS = 1_000;

/** Where a watch loop hands its events, in order, a chunk at a time; the loop waits for it. */
export type WatchSink<T extends KubeObject> = (events: ReadonlyArray<WatcherEvent<T>>) => Effect.Effect<void>;

/**
 * List, then watch from the list's resourceVersion, forever: resumes from the last version seen (events and
 * bookmarks), relists on 410 and periodically, reconnects with jittered backoff, and restarts silent streams.
 * Never fails: errors are logged and retried, as kube-rs and client-go do.
 */
export const watcher = <T extends KubeObject>(
  ref: ResourceRef<T>,
  options: WatcherOptions = {},
): Stream.Stream<WatcherEvent<T>, never, KubeClient> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const out = yield* Queue.bounded<WatcherEvent<T>>(256);
      yield* Effect.forkScoped(watchInto(ref, options, (events) => Queue.offerAll(out, events)));
      return Stream.fromQueue(out);
    }),
  );

/**
 * `watcher`'s loop, handing each chunk of events straight to `sink` (an informer's cache, with no queue and
 * no fiber in between); runs until interrupted.
 */
export const watchInto = <T extends KubeObject>(
  ref: ResourceRef<T>,
  options: WatcherOptions,
  sink: WatchSink<T>,
): Effect.Effect<never, never, KubeClient> =>
  Effect.gen(function* () {
    const client = yield* KubeClient;
    const [minTimeout, maxTimeout] = options.watchTimeoutSeconds ?? [300, 600];
    const idleTimeout = Duration.decode(options.idleTimeout ?? "3 minutes");
    const idleMillis = Duration.toMillis(idleTimeout);
    const relistMillis = Duration.toMillis(options.relistInterval ?? "30 minutes");
    const backoff = yield* Schedule.driver(options.reconnect ?? watchReconnectSchedule);
    const selectors = {
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
      ...(options.fieldSelector === undefined ? {} : { fieldSelector: options.fieldSelector }),
    };
    const log = (message: string, cause: unknown) =>
      Effect.logWarning(message, cause).pipe(Effect.annotateLogs({ resource: ref.plural, ...selectors }));

    let resourceVersion: string | undefined;
    let listedAt = 0;
    let delivered = 0; // events (bookmarks too) of the current watch
    let watchStartedAt = 0;
    /** The current watch worked: it delivered something, or stayed open long enough to count as up. */
    const wasHealthy = (now: number) => delivered > 0 || now - watchStartedAt >= MIN_HEALTHY_WATCH_MS;

    const relist = Effect.gen(function* () {
      const listed = yield* Effect.either(
        client.listAll(ref, { ...selectors, limit: options.pageSize ?? 500 }),
      );
      if (Either.isLeft(listed)) {
        yield* log("list failed; retrying", listed.left);
        yield* backoff.next(listed.left).pipe(Effect.ignore);
        return;
      }
      resourceVersion = listed.right.resourceVersion;
      listedAt = yield* Clock.currentTimeMillis;
      yield* sink([
        { _tag: "Synced", objects: listed.right.items, resourceVersion: listed.right.resourceVersion },
      ]);
    });

    /** Queues a chunk's events in order; an ERROR event ends the watch after the events before it. */
    const handle = (events: Chunk.Chunk<RawWatchEvent<T>>): Effect.Effect<void, KubeFailure> => {
      const batch: WatcherEvent<T>[] = [];
      for (const event of events) {
        if (event.type === "ERROR") {
          const status = event.object;
          return sink(batch).pipe(
            Effect.zipRight(Effect.fail(failureFromStatus(status.code ?? 500, status))),
          );
        }
        const rv = event.object.metadata?.resourceVersion;
        if (rv) resourceVersion = rv;
        const tag = EVENT_TAGS[event.type];
        if (tag !== undefined) batch.push({ _tag: tag, object: event.object });
      }
      return batch.length === 0 ? Effect.void : sink(batch);
    };

    const watchOnce = (from: string): Effect.Effect<WatchEnd, KubeFailure | WatchIdle> =>
      Effect.gen(function* () {
        const timeoutSeconds = yield* Random.nextIntBetween(minTimeout, maxTimeout + 1);
        const now = yield* Clock.currentTimeMillis;
        const relistIn = Math.max(0, listedAt + relistMillis - now);
        delivered = 0;
        watchStartedAt = now;
        // One watchdog per watch, counting from the last chunk received (time spent handing a chunk on
        // is not silence), rather than a timeout raced against every read of the stream.
        let heard = now;
        let handling = false;
        const silence = Effect.gen(function* () {
          for (;;) {
            const left = handling ? idleMillis : heard + idleMillis - (yield* Clock.currentTimeMillis);
            if (left <= 0) return yield* Effect.fail(new WatchIdle({ idleFor: idleTimeout }));
            yield* Effect.sleep(Duration.millis(left));
          }
        });
        const handled = Effect.map(Clock.currentTimeMillis, (t) => {
          handling = false;
          heard = t;
        });
        const ended = yield* client
          .watch(ref, { ...selectors, resourceVersion: from, allowWatchBookmarks: true, timeoutSeconds })
          .pipe(
            Stream.runForEachChunk((events) => {
              delivered += events.length;
              handling = true;
              return Effect.zipRight(handle(events), handled);
            }),
            Effect.as<WatchEnd>("ended"),
            Effect.raceFirst(silence),
            Effect.raceFirst(Effect.as(Effect.sleep(relistIn), "relist" as const)),
          );
        if (ended === "ended" && !wasHealthy(yield* Clock.currentTimeMillis)) {
          yield* backoff.next("empty watch").pipe(Effect.ignore);
        } else {
          yield* backoff.reset;
        }
        return ended;
      });

    const step = Effect.gen(function* () {
      if (resourceVersion === undefined) return yield* relist;
      const result = yield* Effect.either(watchOnce(resourceVersion));
      if (Either.isRight(result)) {
        if (result.right === "relist") resourceVersion = undefined;
        return;
      }
      const failure = result.left;
      if (failure instanceof Gone) {
        yield* Effect.logDebug("watch expired (410); relisting").pipe(
          Effect.annotateLogs({ resource: ref.plural }),
        );
        resourceVersion = undefined;
        // Expired before delivering anything: the server's window is tiny; don't relist in a tight loop.
        if (delivered === 0) yield* backoff.next(failure).pipe(Effect.ignore);
        return;
      }
      yield* log(
        failure._tag === "WatchIdle" ? "watch went silent; restarting" : "watch broke; reconnecting",
        failure,
      );
      // A watch that worked before it broke starts a new spell of failures: backing off from where the last
      // outage left off would leave the cache blind for up to the cap after each of a few restarts.
      if (wasHealthy(yield* Clock.currentTimeMillis)) yield* backoff.reset;
      yield* backoff.next(failure).pipe(Effect.ignore);
    });

    return yield* Effect.forever(step);
  });
