// One watch request as a stream of JSON lines: replay from a resourceVersion (or the current state), then
// live events, bookmarks, and a timeout. Each watcher has its own bounded queue; overflowing closes it.
import type { Engine, Target } from "../engine";
import { type Filter, makeFilter, matches } from "../list";
import { apiVersionOf, type KObject, resourceId } from "../resources/types";
import { type ApiError, badRequest, tooOldResourceVersion } from "../status";
import type { EventType, StoredEvent } from "../storage/store";

export interface WatchQuery {
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly sendInitialEvents?: boolean;
  readonly timeoutSeconds?: number;
}

export interface WatchLimits {
  /** Events a client may fall behind by before it is dropped. */
  readonly maxQueuedEvents: number;
  readonly bookmarkIntervalMs: number;
}

type WireType = EventType | "BOOKMARK" | "ERROR";

const encoder = new TextEncoder();
const HEADER_FLUSH = encoder.encode(" ");
const textLine = (type: WireType, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
const line = (type: WireType, object: unknown): Uint8Array => encoder.encode(textLine(type, object));
/** The same line from an object already serialised (character for character what `textLine` makes of it). */
const textLineOfJson = (type: WireType, json: string): string => `{"type":"${type}","object":${json}}\n`;

/** Maps a stored event onto what a filtered watcher sees: objects entering or leaving the selection. */
const visibleType = (f: Filter, e: StoredEvent): EventType | undefined => {
  const now = matches(f, e.object);
  if (e.type === "ADDED") return now ? "ADDED" : undefined;
  if (e.type === "DELETED") return now ? "DELETED" : undefined;
  const before = e.previous ? matches(f, e.previous) : now;
  if (before && now) return "MODIFIED";
  if (now) return "ADDED";
  if (before) return "DELETED";
  return undefined;
};

const parseRv = (raw: string | undefined): number | undefined => {
  if (raw === undefined || raw === "" || raw === "0") return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid resource version "${raw}"`);
  return Number(raw);
};

/** Validates the request up front so selector and version errors are answered as Status bodies. */
export const openWatch = (
  engine: Engine,
  t: Target,
  q: WatchQuery,
  limits: WatchLimits,
  /** Renders each object sent (e.g. as a Table row); bookmarks and errors pass unchanged. */
  render?: (obj: KObject) => unknown,
): ReadableStream<Uint8Array> => {
  const rendered = (obj: KObject): unknown => (render ? render(obj) : obj);
  const filter = makeFilter(t, q);
  const from = parseRv(q.resourceVersion);
  const rid = resourceId(t.def);
  const namespace = t.def.namespaced && t.namespace !== "" ? t.namespace : undefined;
  const initial = from === undefined || q.sendInitialEvents === true;
  const expired: ApiError | undefined =
    !initial && from !== undefined && from < engine.store.oldestResumable
      ? tooOldResourceVersion(from, engine.store.oldestResumable + 1)
      : undefined;
  const bookmark = (rv: number, initialEnd = false): KObject => ({
    kind: t.def.kind,
    apiVersion: apiVersionOf(t.def.group, t.version),
    metadata: {
      resourceVersion: String(rv),
      ...(initialEnd ? { annotations: { "k8s.io/initial-events-end": "true" } } : {}),
    },
  });

  let cleanup = () => {};
  /** Chunks holding more than one line, so the queue (and a slow client's budget) counts events, not chunks. */
  const eventsIn = new WeakMap<Uint8Array, number>();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (expired) {
          controller.enqueue(line("ERROR", expired.status));
          controller.close();
          return;
        }
        let closed = false;
        let budget = limits.maxQueuedEvents;
        // Lines sent in one event-loop turn go out as one chunk: a client (an in-process one above all)
        // then handles a burst of commits as one batch instead of one read and one hand-off per event. The
        // hub says when a turn's commits are all delivered; other lines (bookmarks) wait for the turn's end.
        // Kept as text and encoded once per chunk: one encoder call per turn instead of one per line.
        let pending: string[] = [];
        const flush = () => {
          if (pending.length === 0) return;
          const lines = pending;
          pending = [];
          const chunk = encoder.encode(lines.length === 1 ? lines[0]! : lines.join(""));
          if (lines.length > 1) eventsIn.set(chunk, lines.length);
          controller.enqueue(chunk);
        };
        const close = () => {
          if (closed) return;
          closed = true;
          cleanup();
          try {
            flush();
            controller.close();
          } catch {
            // The client already went away.
          }
        };
        /**
         * `json`: the object already serialised, usable when it goes out as it is. `fromHub`: the hub flushes
         * at the end of its batch; anything else goes out at the end of the turn.
         */
        const send = (type: WireType, object: KObject, json?: string, fromHub = false): boolean => {
          if (closed) return false;
          pending.push(
            json !== undefined && render === undefined
              ? textLineOfJson(type, json)
              : textLine(type, type === "BOOKMARK" ? object : rendered(object)),
          );
          if (pending.length === 1 && !fromHub) setImmediate(() => closed || flush());
          if ((controller.desiredSize ?? 0) - pending.length < -budget) {
            close();
            return false;
          }
          return true;
        };
        const emit = (e: StoredEvent): boolean => {
          // Events are published once durable: those of the turn this watch opened in are in its replay.
          if (e.rv <= replayedTo) return true;
          const type = visibleType(filter, e);
          if (type === undefined) return true;
          const object = engine.toVersion(t.def, e.object, t.version);
          // One serialisation per event for every watcher of the stored version (the store's own).
          return send(type, object, object === e.object ? e.json : undefined, true);
        };

        // Bun sends response headers with the first body bytes; a space (valid JSON whitespace for every
        // client's decoder) lets clients see the 200 before the first event arrives.
        controller.enqueue(HEADER_FLUSH);
        // Replay and subscription happen in the same tick, so no commit can fall between them.
        const replayedTo = engine.store.resourceVersion;
        let backlog = 1;
        if (initial) {
          for (const o of engine.store.list(rid, namespace)) {
            if (!matches(filter, o)) continue;
            controller.enqueue(line("ADDED", rendered(engine.toVersion(t.def, o, t.version))));
            backlog++;
          }
          if (q.sendInitialEvents && q.allowWatchBookmarks) {
            controller.enqueue(line("BOOKMARK", bookmark(engine.store.resourceVersion, true)));
          }
        } else {
          for (const e of engine.store.eventsSince(from!)) {
            if (e.rid !== rid || (namespace !== undefined && e.namespace !== namespace)) continue;
            const type = visibleType(filter, e);
            if (type === undefined) continue;
            controller.enqueue(line(type, rendered(engine.toVersion(t.def, e.object, t.version))));
            backlog++;
          }
        }
        // The replay itself may be large; only falling further behind than that counts as slow.
        budget += backlog;
        const unsubscribe = engine.hub.subscribe({
          rid,
          namespace,
          deliver: emit,
          flush: () => closed || flush(),
          close,
        });
        const timers: Array<ReturnType<typeof setTimeout>> = [];
        const timeout = q.timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800);
        timers.push(setTimeout(close, timeout * 1000));
        const interval = q.allowWatchBookmarks
          ? setInterval(
              () => send("BOOKMARK", bookmark(engine.store.resourceVersion)),
              limits.bookmarkIntervalMs,
            )
          : undefined;
        cleanup = () => {
          closed = true;
          unsubscribe();
          for (const timer of timers) clearTimeout(timer);
          if (interval) clearInterval(interval);
        };
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 0, size: (chunk) => (chunk && eventsIn.get(chunk)) ?? 1 },
  );
};
