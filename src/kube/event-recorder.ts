import { Chunk, Clock, Duration, Effect, Either, Queue, type Scope, Stream, SubscriptionRef } from "effect";
import { KubeClient } from "./client";
import type { KubeObject } from "./object";
import { refs, typedRef } from "./resources";

export type EventType = "Normal" | "Warning";

export interface CoreEvent extends KubeObject {
  involvedObject?: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

export interface EventRecorder {
  /** Queues an Event about `involved`; never fails and never waits for the API server. */
  readonly record: (
    involved: KubeObject,
    type: EventType,
    reason: string,
    message: string,
  ) => Effect.Effect<void>;
  /** Waits until everything recorded so far was written (or given up on). */
  readonly flush: Effect.Effect<void>;
}

export interface EventRecorderOptions {
  /** `source.component` and `reportingComponent`, e.g. "sandbox-controller". */
  readonly component: string;
  /** `source.host` and `reportingInstance`. */
  readonly instance?: string;
  /** Distinct events remembered for aggregation (client-go: 4096). */
  readonly cacheSize?: number;
  /** Events waiting to be written; beyond this new ones are dropped rather than slow the caller. */
  readonly queueSize?: number;
  /**
   * While this says so (the caller's more urgent work is pending), events wait to be written, each at most
   * `maxHoldMs` (default 1 s) from when it was recorded: an Event is read by people, seconds later.
   */
  readonly holdWhile?: () => boolean;
  readonly maxHoldMs?: number;
}

/** How often a held event looks again whether it may go. */
const HOLD_POLL = Duration.millis(20);

const eventRef = typedRef<CoreEvent>(refs.event);

interface Item {
  readonly involved: KubeObject;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly recordedAt: number;
}

/**
 * Events taken from the queue at once and written concurrently (those about the same object and saying the
 * same thing one after another, as the second aggregates into the first). Written one at a time, at one
 * write per event-loop turn, a burst's events were still being written seconds later.
 */
const WRITE_BATCH = 64;

/** What identifies an event for aggregation: the object, the type, the reason and the message. */
const aggregationKey = (item: Item): string => {
  const meta = item.involved.metadata ?? {};
  return [
    item.involved.kind,
    meta.namespace ?? "default",
    meta.name,
    meta.uid,
    item.type,
    item.reason,
    item.message,
  ].join("\u0000");
};

interface Seen {
  readonly name: string;
  readonly namespace: string;
  count: number;
}

/**
 * client-go names events `<object>.<hex nanoseconds>`; here the sub-millisecond digits are a per-recorder
 * sequence, which keeps events written within one millisecond apart. BigInt because milliseconds x 1e6 is past
 * 2^53, where a Number would round the sequence away.
 */
export const eventName = (objectName: string, millis: number, sequence: number): string =>
  `${objectName}.${(BigInt(millis) * 1_000_000n + BigInt(sequence % 1_000_000)).toString(16)}`;

/**
 * Writes core/v1 Events in the background. A repeat of an identical event (same object, type, reason and
 * message) bumps `count` and `lastTimestamp` of the existing Event instead of creating another, as kube's
 * recorder does; the memory of past events is a bounded LRU.
 */
export const makeEventRecorder = (
  options: EventRecorderOptions,
): Effect.Effect<EventRecorder, never, KubeClient | Scope.Scope> =>
  Effect.gen(function* () {
    const client = yield* KubeClient;
    const cacheSize = options.cacheSize ?? 4096;
    const queue = yield* Effect.acquireRelease(
      Queue.dropping<Item>(options.queueSize ?? 1000),
      Queue.shutdown,
    );
    const outstanding = yield* SubscriptionRef.make(0); // accepted, not yet written or given up on
    const seen = new Map<string, Seen>(); // insertion order doubles as recency order
    let sequence = 0;

    const remember = (key: string, entry: Seen) => {
      seen.delete(key);
      seen.set(key, entry);
      if (seen.size > cacheSize) {
        const oldest = seen.keys().next();
        if (!oldest.done) seen.delete(oldest.value);
      }
    };

    const maxHoldMs = options.maxHoldMs ?? 1000;
    const holdWhile = options.holdWhile;
    const waitTurn = (item: Item): Effect.Effect<void> =>
      holdWhile === undefined
        ? Effect.void
        : Effect.gen(function* () {
            while (holdWhile() && (yield* Clock.currentTimeMillis) - item.recordedAt < maxHoldMs)
              yield* Effect.sleep(HOLD_POLL);
          });

    /** `key`: the item's `aggregationKey`. */
    const write = (item: Item, key: string) =>
      Effect.gen(function* () {
        const meta = item.involved.metadata ?? {};
        const namespace = meta.namespace ?? "default";
        const millis = yield* Clock.currentTimeMillis;
        const now = new Date(millis).toISOString().replace(/\.\d+Z$/, "Z");
        const previous = seen.get(key);
        if (previous) {
          const patched = yield* Effect.either(
            client.patch(
              eventRef,
              previous.name,
              { type: "merge", body: { count: previous.count + 1, lastTimestamp: now } },
              { namespace: previous.namespace },
            ),
          );
          if (Either.isRight(patched)) {
            previous.count++;
            remember(key, previous);
            return;
          }
          if (patched.left._tag !== "NotFound") return yield* Effect.fail(patched.left);
        }
        const name = eventName(meta.name ?? "unknown", millis, sequence++);
        yield* client.create(eventRef, {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name, namespace },
          involvedObject: {
            ...(item.involved.apiVersion ? { apiVersion: item.involved.apiVersion } : {}),
            ...(item.involved.kind ? { kind: item.involved.kind } : {}),
            ...(meta.name ? { name: meta.name } : {}),
            ...(meta.namespace ? { namespace: meta.namespace } : {}),
            ...(meta.uid ? { uid: meta.uid } : {}),
            ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
          },
          reason: item.reason,
          message: item.message,
          type: item.type,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: options.component, ...(options.instance ? { host: options.instance } : {}) },
          reportingComponent: options.component,
          reportingInstance: options.instance ?? "",
        });
        remember(key, { name, namespace, count: 1 });
      }).pipe(
        Effect.catchAll((e) =>
          Effect.logWarning("could not write event", e).pipe(Effect.annotateLogs({ reason: item.reason })),
        ),
      );

    const writeOne = (item: Item, key: string) =>
      write(item, key).pipe(Effect.ensuring(SubscriptionRef.update(outstanding, (n) => n - 1)));
    yield* Queue.takeBetween(queue, 1, WRITE_BATCH).pipe(
      Effect.flatMap((taken) => {
        const items = Chunk.toReadonlyArray(taken);
        const sameEvent = new Map<string, Item[]>();
        for (const item of items) {
          const key = aggregationKey(item);
          const group = sameEvent.get(key);
          if (group) group.push(item);
          else sameEvent.set(key, [item]);
        }
        return Effect.zipRight(
          waitTurn(items[0]!),
          Effect.forEach(
            sameEvent,
            ([key, group]) => Effect.forEach(group, (item) => writeOne(item, key), { discard: true }),
            {
              concurrency: "unbounded",
              discard: true,
            },
          ),
        );
      }),
      Effect.forever,
      Effect.forkScoped,
    );

    const flush = outstanding.changes.pipe(
      Stream.takeUntil((n) => n === 0),
      Stream.runDrain,
    );
    // Give queued events a moment to reach the API server on shutdown.
    yield* Effect.addFinalizer(() => flush.pipe(Effect.timeout("2 seconds"), Effect.ignore));

    return {
      record: (involved, type, reason, message) =>
        Effect.gen(function* () {
          // Count first: the worker may finish the event before offer returns.
          yield* SubscriptionRef.update(outstanding, (n) => n + 1);
          const recordedAt = yield* Clock.currentTimeMillis;
          const accepted = yield* Queue.offer(queue, { involved, type, reason, message, recordedAt });
          if (!accepted) yield* SubscriptionRef.update(outstanding, (n) => n - 1);
        }),
      flush,
    };
  });
