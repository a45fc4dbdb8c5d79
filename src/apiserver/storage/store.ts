// Durable object store on bun:sqlite with an in-memory index for reads.
// The file is the watch-event log, which also holds every object's current version (schema.ts). Commits are
// grouped: those of one event-loop turn share one SQLite transaction, committed at the end of the turn
// (`flush`), each commit within it a savepoint, so a failing commit undoes only itself and a crash never
// leaves half of one. Memory follows each commit at once, so later commits and reads in the turn see it; what
// leaves the server (answers, watch events) waits until `durable()` says the turn's transaction committed. A
// transaction that fails to commit takes memory back to what the file holds. The version sequence resumes
// after a restart from the newest event (or, once pruning may have removed them all, from the version
// recorded with the prune).
// Only the newest events stay in memory (most watches resume from a recent version); older ones within the
// resumable window are read back from SQLite, so memory does not grow with the window's history.
// A file's log is checkpointed by a thread of its own (checkpointer.ts), not inside a commit.
import type { Database } from "bun:sqlite";
import type { KObject } from "../resources/types";
import { Checkpointer, type CheckpointPolicy } from "./checkpointer";
import { type FileLock, lockStoreFile } from "./file-lock";
import { openStoreDatabase } from "./schema";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoredEvent {
  readonly rv: number;
  readonly type: EventType;
  /** Storage identity of the resource, see `resourceId`. */
  readonly rid: string;
  readonly namespace: string;
  readonly object: KObject;
  /** The object before this change, when known (not kept across restarts); lets filtered watches see exits. */
  readonly previous?: KObject;
  /** `object` as JSON, as stored: watchers that send it unconverted reuse it instead of serialising again. */
  readonly json?: string;
}

interface EventRow {
  readonly rv: number;
  readonly type: EventType;
  readonly rid: string;
  readonly ns: string;
  readonly data: string;
}

const fromRow = (e: EventRow): StoredEvent => ({
  rv: e.rv,
  type: e.type,
  rid: e.rid,
  namespace: e.ns,
  object: JSON.parse(e.data),
  json: e.data,
});

export interface Change {
  readonly type: EventType;
  readonly rid: string;
  readonly object: KObject;
}

/** Told when a turn's commits are durable (with their events, in order) or could not be made so. */
export interface DurabilityListener {
  durable(events: ReadonlyArray<StoredEvent>): void;
  /** The turn's commits are undone (memory too); nothing told before about them changes. */
  lost(error: Error): void;
}

/** The commits of the current event-loop turn, waiting for their transaction to commit. */
interface Batch {
  readonly events: StoredEvent[];
  /** The JSON the batch wrote, in characters (what the checkpointer counts). */
  bytes: number;
  readonly done: PromiseWithResolvers<void>;
}

export class StorageFailure extends Error {}

const nsOf = (o: KObject): string => (o.metadata?.namespace as string | undefined) ?? "";
const nameOf = (o: KObject): string => (o.metadata?.name as string | undefined) ?? "";
const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

export class Store {
  private readonly db: Database;
  /** Held while the store is open (files only). */
  private readonly lock: FileLock | undefined;
  /** Files only. */
  private readonly checkpointer: Checkpointer | undefined;
  private readonly objects = new Map<string, Map<string, KObject>>();
  /** The resourceVersion of every object in `objects`: what a prune must keep, without a pass over them. */
  private readonly currentVersions = new Set<number>();
  /** The newest events, at most `memoryWindow`; the rest of the resumable window is only in SQLite. */
  private readonly window: StoredEvent[] = [];
  /** Oldest event still in SQLite (undefined before the first). */
  private oldestEventRv: number | undefined;
  private rv = 0;
  private batch: Batch | undefined;
  private listener: DurabilityListener | undefined;
  /** The JSON each current object was stored as, so responses that return it need not serialise it again. */
  private readonly stored = new WeakMap<KObject, string>();
  private readonly insertEvent;
  private readonly deleteEvent;
  private readonly pruneEvents;
  private readonly selectEvents;
  private readonly saveVersions;
  /** Events at or below this version are gone, but for those that are still some object's current one. */
  private pruned = 0;
  /** One savepoint (in the turn's transaction) writing `changes` from version `from` + 1 on; built once. */
  private readonly persist: (
    changes: ReadonlyArray<Change>,
    from: number,
  ) => { events: StoredEvent[]; pruned: number };

  /**
   * `windowSize`: how many past events a watch can resume from before it gets 410 Gone.
   * `memoryWindow`: how many of those are kept in memory as objects (with the version before each change).
   */
  constructor(
    path: string,
    private readonly windowSize = 10_000,
    private readonly memoryWindow = 1_000,
    checkpoints?: CheckpointPolicy,
  ) {
    this.lock = path === ":memory:" ? undefined : lockStoreFile(path);
    try {
      this.db = openStoreDatabase(path);
    } catch (e) {
      this.lock?.release();
      throw e;
    }
    this.checkpointer = this.lock ? new Checkpointer(path, this.db, checkpoints) : undefined;
    this.insertEvent = this.db.prepare(
      "INSERT INTO events (rv, type, rid, ns, name, data) VALUES ($rv, $type, $rid, $ns, $name, $data)",
    );
    this.deleteEvent = this.db.prepare("DELETE FROM events WHERE rv = $rv");
    // `keep`: a JSON array of the versions in the range that are current, the objects' only copy.
    this.pruneEvents = this.db.prepare(
      "DELETE FROM events WHERE rv > $from AND rv <= $to AND rv NOT IN (SELECT value FROM json_each($keep))",
    );
    this.selectEvents = this.db.prepare(
      "SELECT rv, type, rid, ns, data FROM events WHERE rv > $after AND rv < $before ORDER BY rv",
    );
    this.saveVersions = this.db.prepare(
      "INSERT OR REPLACE INTO meta (k, v) VALUES ('rv', $rv), ('pruned', $pruned)",
    );
    this.persist = this.db.transaction((changes: ReadonlyArray<Change>, from: number) => {
      const events: StoredEvent[] = [];
      /** Objects this commit writes: their versions before it are no longer current. */
      const written = new Map<string, number>();
      const replaced = new Set<number>();
      let rv = from;
      for (const c of changes) {
        rv += 1;
        const meta = { ...(c.object.metadata ?? {}), resourceVersion: String(rv) };
        const object = { ...c.object, metadata: meta };
        const ns = nsOf(object);
        const name = nameOf(object);
        const data = JSON.stringify(object);
        const key = keyOf(ns, name);
        const previous = this.objects.get(c.rid)?.get(key);
        this.insertEvent.run({ rv, type: c.type, rid: c.rid, ns, name, data });
        written.set(`${c.rid}/${key}`, c.type === "DELETED" ? 0 : rv);
        // The version replaced was kept past the prune only as the object's JSON; now nothing needs it.
        const previousRv = Number(previous?.metadata?.resourceVersion ?? Number.NaN);
        replaced.add(previousRv);
        if (previousRv <= this.pruned) this.deleteEvent.run({ rv: previousRv });
        events.push({
          rv,
          type: c.type,
          rid: c.rid,
          namespace: ns,
          object,
          ...(previous ? { previous } : {}),
          json: data,
        });
      }
      // The newest event row carries the current version; only a prune (which may remove every row when the
      // window is tiny) records it separately, so a commit costs one statement less.
      let pruned = this.pruned;
      if (Math.floor(rv / 512) !== Math.floor(from / 512) && rv - this.windowSize > pruned) {
        const to = rv - this.windowSize;
        const keep = this.currentVersionsIn(pruned, to, written, replaced);
        this.pruneEvents.run({ from: pruned, to, keep: JSON.stringify(keep) });
        pruned = to;
        this.saveVersions.run({ rv: String(rv), pruned: String(pruned) });
      }
      return { events, pruned };
    });
    try {
      this.load();
    } catch (e) {
      // A file that cannot be read is not held either.
      this.db.close(true);
      this.lock?.release();
      throw e;
    }
  }

  /**
   * Versions in (`from`, `to`] that are some object's current one once this commit is: `written` gives each
   * object it writes its new version (0 when deleted), `replaced` the versions those objects had before it.
   */
  private currentVersionsIn(
    from: number,
    to: number,
    written: ReadonlyMap<string, number>,
    replaced: ReadonlySet<number>,
  ): number[] {
    const keep: number[] = [];
    const inRange = (v: number) => v > from && v <= to;
    for (const v of this.currentVersions) if (inRange(v) && !replaced.has(v)) keep.push(v);
    for (const v of written.values()) if (inRange(v)) keep.push(v);
    return keep;
  }

  private load(): void {
    const meta = (k: string): number => Number(this.getMeta(k) ?? 0);
    this.pruned = meta("pruned");
    const newest = this.db.query("SELECT MAX(rv) AS rv FROM events").get() as { rv: number | null } | null;
    this.rv = Math.max(meta("rv"), newest?.rv ?? 0);
    // Each object's newest row is its current version, unless the object was deleted.
    for (const r of this.db
      .query(`SELECT e.rv, e.rid, e.ns, e.name, e.data FROM events e
          JOIN (SELECT MAX(rv) AS rv FROM events GROUP BY rid, ns, name) newest ON e.rv = newest.rv
        WHERE e.type != 'DELETED'`)
      .all() as Array<{
      rv: number;
      rid: string;
      ns: string;
      name: string;
      data: string;
    }>) {
      const object = JSON.parse(r.data) as KObject;
      this.stored.set(object, r.data);
      this.bucket(r.rid).set(keyOf(r.ns, r.name), object);
      this.currentVersions.add(r.rv);
    }
    // Below the prune point only current versions remain, which no watch replays.
    const oldest = this.db.query("SELECT MIN(rv) AS rv FROM events WHERE rv > $pruned").get({
      pruned: this.pruned,
    }) as { rv: number | null } | null;
    this.oldestEventRv = oldest?.rv ?? undefined;
    const events = this.db
      .query("SELECT rv, type, rid, ns, data FROM events WHERE rv > $pruned ORDER BY rv DESC LIMIT $n")
      .all({ pruned: this.pruned, n: Math.min(this.memoryWindow, this.windowSize) }) as EventRow[];
    this.window.push(...events.reverse().map(fromRow));
  }

  private bucket(rid: string): Map<string, KObject> {
    let b = this.objects.get(rid);
    if (!b) {
      b = new Map();
      this.objects.set(rid, b);
    }
    return b;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may start from and still receive every later event. */
  get oldestResumable(): number {
    if (this.oldestEventRv === undefined) return this.rv;
    return Math.max(this.oldestEventRv, this.rv - this.windowSize + 1) - 1;
  }

  /** How many events are held in memory (the rest of the window is read from SQLite on demand). */
  get eventsInMemory(): number {
    return this.window.length;
  }

  get(rid: string, namespace: string, name: string): KObject | undefined {
    return this.objects.get(rid)?.get(keyOf(namespace, name));
  }

  /** `object` as JSON when it is an object this store holds (byte for byte `JSON.stringify(object)`). */
  jsonOf(object: unknown): string | undefined {
    return typeof object === "object" && object !== null ? this.stored.get(object as KObject) : undefined;
  }

  /** Objects of one resource (in one namespace when given), sorted by namespace then name. */
  list(rid: string, namespace?: string): KObject[] {
    const b = this.objects.get(rid);
    if (!b) return [];
    const out: KObject[] = [];
    for (const [k, o] of b) if (namespace === undefined || k.startsWith(`${namespace}/`)) out.push(o);
    return out.sort((a, c) => {
      const ka = keyOf(nsOf(a), nameOf(a));
      const kc = keyOf(nsOf(c), nameOf(c));
      return ka < kc ? -1 : ka > kc ? 1 : 0;
    });
  }

  /** Every stored resource id with its objects; used by garbage collection and namespace cleanup. */
  *all(): Iterable<[string, KObject]> {
    for (const [rid, b] of this.objects) for (const o of b.values()) yield [rid, o];
  }

  /** Events after `rv` still in the window; callers check `oldestResumable` first. */
  eventsSince(rv: number): StoredEvent[] {
    const firstInMemory = this.window[0]?.rv ?? this.rv + 1;
    if (rv < firstInMemory - 1) {
      // Older than memory holds: replay from SQLite (these carry no `previous`, as after a restart).
      const older = this.selectEvents.all({ after: rv, before: firstInMemory }) as EventRow[];
      return [...older.map(fromRow), ...this.window];
    }
    let lo = 0;
    let hi = this.window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.window[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.window.slice(lo);
  }

  /**
   * Applies the changes together (all or none), stamping each with the next resourceVersion; durable at the
   * end of the turn (see `durable`).
   * The objects passed in are owned by the store afterwards and must not be mutated.
   */
  commit(changes: ReadonlyArray<Change>): StoredEvent[] {
    const batch = this.openBatch();
    const { events, pruned } = this.persist(changes, this.rv);
    // Only after the commit's savepoint was released does memory follow.
    this.rv = events.at(-1)?.rv ?? this.rv;
    this.pruned = pruned;
    for (const e of events) {
      const b = this.bucket(e.rid);
      const k = keyOf(e.namespace, nameOf(e.object));
      const before = b.get(k);
      if (before !== undefined) this.currentVersions.delete(Number(before.metadata?.resourceVersion));
      if (e.type === "DELETED") b.delete(k);
      else {
        b.set(k, e.object);
        this.currentVersions.add(e.rv);
      }
      if (e.json !== undefined) {
        this.stored.set(e.object, e.json);
        batch.bytes += e.json.length;
      }
      this.window.push(e);
      batch.events.push(e);
    }
    this.oldestEventRv ??= events[0]?.rv;
    const keep = Math.min(this.memoryWindow, this.windowSize);
    if (this.window.length > keep) this.window.splice(0, this.window.length - keep);
    return events;
  }

  /** Who hears when commits become durable (the engine: watchers and commit listeners). */
  setDurabilityListener(listener: DurabilityListener): void {
    this.listener = listener;
  }

  /**
   * Settles when every commit made so far is durable, or rejects with a StorageFailure when the transaction
   * holding it failed (and was undone); undefined when nothing is waiting to be made durable.
   */
  durable(): Promise<void> | undefined {
    return this.batch?.done.promise;
  }

  private openBatch(): Batch {
    if (this.batch) return this.batch;
    this.db.exec("BEGIN");
    const batch: Batch = { events: [], bytes: 0, done: Promise.withResolvers() };
    // Nobody may be waiting; a failure is still told to the listener.
    batch.done.promise.catch(() => undefined);
    this.batch = batch;
    setImmediate(() => this.flush());
    return batch;
  }

  /** Commits the open transaction (the end of the turn does it; so does `close`). */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    try {
      this.db.exec("COMMIT");
    } catch (e) {
      // SQLite may have rolled back already (an I/O error); a full disk leaves the transaction open.
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      this.reload();
      const failure = new StorageFailure(`storage: ${e instanceof Error ? e.message : String(e)}`);
      batch.done.reject(failure);
      this.listener?.lost(failure);
      return;
    }
    batch.done.resolve();
    this.listener?.durable(batch.events);
    this.checkpointer?.committed(batch.bytes);
  }

  /** Memory back to what the file holds, after a transaction that did not commit. */
  private reload(): void {
    this.objects.clear();
    this.currentVersions.clear();
    this.window.length = 0;
    this.oldestEventRv = undefined;
    this.load();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.query("SELECT v FROM meta WHERE k = $k").get({ k: key }) as { v: string } | null;
    return row?.v;
  }

  setMeta(key: string, value: string): void {
    this.db.query("INSERT OR REPLACE INTO meta (k, v) VALUES ($k, $v)").run({ k: key, v: value });
  }

  close(): void {
    this.flush();
    this.checkpointer?.close();
    // Finalizes the prepared statements too, so the file is released now, not at GC. The last connection to
    // close checkpoints what is left and removes the log.
    this.db.close(true);
    this.lock?.release();
  }
}
