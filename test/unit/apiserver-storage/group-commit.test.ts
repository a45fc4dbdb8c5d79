// Group commit: the commits of one event-loop turn share one SQLite transaction, made durable at the end of
// the turn; watchers hear of them only then. A commit that fails undoes only itself; a transaction that fails
// to commit undoes the turn, memory included, and nothing was told of it.
import type { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Conversions } from "../../../src/apiserver/conversion";
import { Engine } from "../../../src/apiserver/engine";
import { discoveryRoutes, servedResources } from "../../../src/apiserver/http/discovery-routes";
import { requestHandler } from "../../../src/apiserver/http/server";
import { tableRenderer } from "../../../src/apiserver/http/tables";
import { Registry } from "../../../src/apiserver/resources/registry";
import { SANDBOX_CONVERTERS } from "../../../src/apiserver/sandbox-conversion";
import { type Change, StorageFailure, Store, type StoredEvent } from "../../../src/apiserver/storage/store";
import { WatchHub } from "../../../src/apiserver/watch/hub";
import { openWatch } from "../../../src/apiserver/watch/stream";

const dir = mkdtempSync(join(tmpdir(), "group-commit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = () => join(dir, `store-${files++}.sqlite`);

const RID = "v1/configmaps";
const change = (name: string, type: Change["type"] = "ADDED"): Change => ({
  type,
  rid: RID,
  object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns" }, data: { name } },
});
const names = (events: ReadonlyArray<StoredEvent>) => events.map((e) => e.object.metadata?.name);

const listen = (store: Store) => {
  const told: { durable: string[][]; lost: Error[] } = { durable: [], lost: [] };
  store.setDurabilityListener({
    durable: (events) => told.durable.push(names(events) as string[]),
    lost: (error) => told.lost.push(error),
  });
  return told;
};

/** What a store on `path` holds after a restart: object names and the version it resumes from. */
const onRestart = (path: string) => {
  const again = new Store(path);
  try {
    return { names: again.list(RID).map((o) => o.metadata?.name), resourceVersion: again.resourceVersion };
  } finally {
    again.close();
  }
};

const dbOf = (store: Store) => (store as unknown as { db: Database }).db;

/**
 * Readies a way to make a transaction fail at COMMIT (a deferred foreign key); between turns, as SQLite
 * switches foreign keys on only outside a transaction.
 */
const armPoison = (store: Store) => {
  expect(store.durable()).toBeUndefined();
  dbOf(store).exec(`PRAGMA foreign_keys = ON;
    CREATE TABLE poison (ref INTEGER REFERENCES events(rv) DEFERRABLE INITIALLY DEFERRED);`);
};
/** Leaves the open transaction violating that key, so its COMMIT fails. */
const poisonOpenTransaction = (store: Store) => dbOf(store).exec("INSERT INTO poison VALUES (-1)");

test("the commits of one turn are told together, in order, once durable; the next turn is a batch of its own", async () => {
  const store = new Store(file());
  const told = listen(store);
  store.commit([change("a")]);
  store.commit([change("b"), change("c")]);
  // Memory follows at once: the turn's later reads and writes see the earlier commits.
  expect(store.get(RID, "ns", "a")).toBeDefined();
  expect(told.durable).toEqual([]);
  const durable = store.durable();
  expect(durable).toBeDefined();
  await durable;
  expect(told.durable).toEqual([["a", "b", "c"]]);
  expect(store.durable()).toBeUndefined();
  store.commit([change("a", "MODIFIED")]);
  await store.durable();
  expect(told.durable).toEqual([["a", "b", "c"], ["a"]]);
  store.close();
});

test("a commit that fails undoes itself alone; the rest of its turn is kept", async () => {
  const path = file();
  const store = new Store(path);
  const told = listen(store);
  store.commit([change("a")]);
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const broken: Change = { ...change("b"), object: { ...change("b").object, data: cyclic } };
  expect(() => store.commit([change("c"), broken])).toThrow();
  store.commit([change("d")]);
  await store.durable();
  expect(told.durable).toEqual([["a", "d"]]);
  expect(store.get(RID, "ns", "c")).toBeUndefined();
  expect(store.resourceVersion).toBe(2);
  store.close();
  expect(onRestart(path).names).toEqual(["a", "d"]);
});

test("a turn whose transaction cannot commit is undone, memory and versions too, and only its waiters fail", async () => {
  const path = file();
  const store = new Store(path);
  const told = listen(store);
  store.commit([change("kept")]);
  await store.durable();
  armPoison(store);

  const [lost] = store.commit([change("kept", "MODIFIED"), change("lost")]);
  expect(lost?.rv).toBe(2);
  poisonOpenTransaction(store);
  const durable = store.durable();
  await expect(durable!).rejects.toBeInstanceOf(StorageFailure);
  expect(told.lost).toHaveLength(1);
  expect(told.durable).toEqual([["kept"]]);
  expect(store.get(RID, "ns", "lost")).toBeUndefined();
  expect(store.get(RID, "ns", "kept")?.metadata?.resourceVersion).toBe("1");
  expect(store.resourceVersion).toBe(1);
  expect(store.eventsSince(0).map((e) => e.rv)).toEqual([1]);

  // The next turn carries on from the last durable version.
  const [next] = store.commit([change("next")]);
  expect(next?.rv).toBe(2);
  await store.durable();
  store.close();
  expect(onRestart(path)).toEqual({ names: ["kept", "next"], resourceVersion: 2 });
});

test("close makes the open turn durable", () => {
  const path = file();
  const store = new Store(path);
  store.commit([change("a")]);
  store.close();
  expect(onRestart(path).names).toEqual(["a"]);
});

const LIMITS = { maxQueuedEvents: 100, bookmarkIntervalMs: 60_000 };

const engineOn = (store: Store) => {
  const registry = new Registry();
  const engine = new Engine(store, new WatchHub(), registry, new Conversions(SANDBOX_CONVERTERS));
  const defs = registry.byId();
  const target = { def: defs.get("configmaps")!, version: "v1", namespace: "ns" };
  engine.create({ def: defs.get("namespaces")!, version: "v1", namespace: "" }, { metadata: { name: "ns" } });
  const resources = servedResources(registry);
  const handle = requestHandler(
    {
      engine,
      registry,
      watch: LIMITS,
      podLogs: () => undefined,
      token: "t",
      nonResource: discoveryRoutes(resources),
      table: tableRenderer(resources),
    },
    { token: "t", anonymous: true },
  );
  const post = (name: string) =>
    handle(
      new Request("http://api/api/v1/namespaces/ns/configmaps", {
        method: "POST",
        body: JSON.stringify({ metadata: { name } }),
      }),
    );
  const watch = () => openWatch(engine, target, {}, LIMITS);
  return { engine, target, post, watch };
};

/** The events of a watch, once `count` have come (or the stream ended). */
const readLines = async (stream: ReadableStream<Uint8Array>, count: number) => {
  const reader = stream.getReader();
  let text = "";
  while (text.split("\n").filter((l) => l.trim()).length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
};

test("a watch opened in the turn of a commit replays it and is not sent it again once durable", async () => {
  const store = new Store(":memory:");
  const { engine, target, watch } = engineOn(store);
  await store.durable();
  engine.create(target, { metadata: { name: "before" } });
  const stream = watch();
  await store.durable();
  engine.create(target, { metadata: { name: "after" } });
  await store.durable();
  const events = await readLines(stream, 2);
  expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED before", "ADDED after"]);
  await stream.cancel();
  store.close();
});

test("watchers are not told of a turn that was lost, and are closed so that their clients relist", async () => {
  const store = new Store(file());
  const { engine, target, watch } = engineOn(store);
  await store.durable();
  armPoison(store);
  const stream = watch();
  engine.create(target, { metadata: { name: "phantom" } });
  poisonOpenTransaction(store);
  await expect(store.durable()!).rejects.toBeInstanceOf(StorageFailure);
  // Read to its end: the watch is closed, having sent nothing of the lost turn.
  expect(await readLines(stream, Number.POSITIVE_INFINITY)).toEqual([]);
  expect(store.get(RID, "ns", "phantom")).toBeUndefined();
  store.close();
});

test("an answer goes out once its write is durable, and as a 500 when its turn is lost", async () => {
  const store = new Store(file());
  const { engine, post } = engineOn(store);
  await store.durable();
  const durable: string[] = [];
  engine.onCommit((events) => durable.push(...(names(events) as string[])));
  const created = await post("kept");
  expect(created.status).toBe(201);
  // By the time the answer is out, the write was told durable.
  expect(durable).toEqual(["kept"]);

  armPoison(store);
  const answer = post("lost");
  // The handler reads the body, commits, then waits for the end of the turn: poison it before that comes.
  while (store.durable() === undefined) await Promise.resolve();
  poisonOpenTransaction(store);
  const lost = await answer;
  expect(lost.status).toBe(500);
  expect(((await lost.json()) as { message: string }).message).toContain("storage:");
  expect(store.get(RID, "ns", "lost")).toBeUndefined();
  expect((await post("later")).status).toBe(201);
  store.close();
});

test("the hub tells each watcher it reached when a turn's events are all delivered, so they leave at once", () => {
  const hub = new WatchHub();
  const calls: string[] = [];
  const watcher = (id: string, rid: string) => ({
    rid,
    namespace: undefined,
    deliver: (e: StoredEvent) => {
      calls.push(`${id} ${e.rv}`);
      return true;
    },
    flush: () => calls.push(`${id} flush`),
    close: () => undefined,
  });
  hub.subscribe(watcher("maps", RID));
  hub.subscribe(watcher("pods", "v1/pods"));
  const event = (rv: number): StoredEvent => ({ rv, type: "ADDED", rid: RID, namespace: "ns", object: {} });
  hub.publish([event(1), event(2)]);
  expect(calls).toEqual(["maps 1", "maps 2", "maps flush"]);
});

test("a watch sends a turn's events in the task that made them durable, not in one of its own after it", async () => {
  const store = new Store(":memory:");
  const { engine, target, watch } = engineOn(store);
  await store.durable();
  const stream = watch();
  const reader = stream.getReader();
  await reader.read(); // the head's flush
  engine.create(target, { metadata: { name: "prompt" } });
  // Queued right behind the task that commits the turn: a watch sending in a task of its own comes after it.
  let nextTask = false;
  setImmediate(() => {
    nextTask = true;
  });
  const { value } = await reader.read();
  expect(nextTask).toBe(false);
  expect(new TextDecoder().decode(value)).toContain('"prompt"');
  reader.releaseLock();
  await stream.cancel();
  store.close();
});
