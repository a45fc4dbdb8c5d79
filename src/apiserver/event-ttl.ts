// Events expire, as kube-apiserver's `--event-ttl` (default 1 h) makes them expire in etcd. Controllers write
// Events about every object they touch, so without expiry the store — and the API server's memory, which
// indexes every stored object — grows with every claim ever made.
import type { Engine } from "./engine";
import { metaOf } from "./meta";
import { type KObject, type ResourceDef, resourceId } from "./resources/types";

export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;

/** core/v1 and events.k8s.io/v1 Events are stored apart here; both expire. */
const EVENT_RESOURCES = ["events", "events.events.k8s.io"];

const time = (value: unknown): number => {
  const t = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
};

/** The last time an Event was written: its newest timestamp of either API version, or its creation. */
export const lastWritten = (event: KObject): number => {
  const series = event.series as { lastObservedTime?: unknown } | undefined;
  return Math.max(
    time(metaOf(event).creationTimestamp),
    time(event.lastTimestamp),
    time(event.eventTime),
    time(series?.lastObservedTime),
  );
};

/** Deletes every Event last written more than `ttlMs` before `now`; returns how many went. */
export const expireEvents = (
  engine: Engine,
  defsById: ReadonlyMap<string, ResourceDef>,
  now: number,
  ttlMs: number,
): number => {
  let expired = 0;
  for (const rid of EVENT_RESOURCES) {
    const def = defsById.get(rid);
    if (!def) continue;
    for (const event of engine.store.list(resourceId(def))) {
      if (now - lastWritten(event) < ttlMs) continue;
      engine.deleteStored(def, event);
      expired++;
    }
  }
  return expired;
};

/** Sweeps expired Events every `ttlMs / 10` (at most once a minute); returns the function that stops it. */
export const startEventExpiry = (
  engine: Engine,
  defsById: () => ReadonlyMap<string, ResourceDef>,
  ttlMs: number,
): (() => void) => {
  const sweep = () => expireEvents(engine, defsById(), Date.now(), ttlMs);
  sweep();
  const timer = setInterval(sweep, Math.min(60_000, Math.max(1_000, ttlMs / 10)));
  timer.unref();
  return () => clearInterval(timer);
};
