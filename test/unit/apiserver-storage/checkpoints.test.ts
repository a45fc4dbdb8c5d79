// Checkpoints of the store's write-ahead log: never inside a commit. A thread of the store's own copies the log
// back into the database file once enough was written; once writes pause it catches up, so the next write
// starts the log over; with no pause, the store's thread catches up itself past a bound. A thread that cannot
// checkpoint says why once and still closes.
import { Database } from "bun:sqlite";
import { afterAll, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckpointPolicy } from "../../../src/apiserver/storage/checkpointer";
import { type Change, Store } from "../../../src/apiserver/storage/store";
import { until } from "../../support/until";

const dir = mkdtempSync(join(tmpdir(), "checkpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = () => join(dir, `store-${files++}.sqlite`);

const NEVER = 1e12;
/** The longest delay a timer takes. */
const NEVER_MS = 2 ** 31 - 1;
const KIB = 1024;

/** One turn: `count` ConfigMaps of about `size` bytes each, made durable. */
let written = 0;
const writeTurn = async (store: Store, count: number, size = 4 * KIB) => {
  const changes: Change[] = Array.from({ length: count }, () => ({
    type: "ADDED",
    rid: "v1/configmaps",
    object: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `cm-${written++}`, namespace: "ns" },
      data: { blob: "x".repeat(size) },
    },
  }));
  store.commit(changes);
  await store.durable();
};

const fileSize = (path: string) => statSync(path).size;

/** Waits (bounded) until `holds`. */
const eventually = (what: string, holds: () => boolean) =>
  until(what, async () => (holds() ? true : undefined), 10);

/** Pages in the log now, as a checkpoint from a connection of the test's own finds it (it copies them too). */
const logPages = (path: string): number => {
  const db = new Database(path);
  try {
    return (db.query("PRAGMA wal_checkpoint(PASSIVE)").get() as { log: number }).log;
  } finally {
    db.close(true);
  }
};

const open = (policy: CheckpointPolicy) => new Store(file(), 10_000, 1_000, policy);
const dbOf = (store: Store) => (store as unknown as { db: Database }).db;
const pathOf = (store: Store) => dbOf(store).filename;

test("commits never checkpoint; the checkpointer copies the log into the file once enough was written", async () => {
  const store = open({ everyBytes: 256 * KIB, idleMs: NEVER_MS, maxBytesBehind: NEVER });
  const path = pathOf(store);
  expect(dbOf(store).query("PRAGMA wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 0 });
  const empty = fileSize(path);
  for (let turn = 0; turn < 20; turn++) await writeTurn(store, 10);
  // About 800 KiB written: only a checkpoint writes the database file itself.
  await eventually("the file holds the checkpointed pages", () => fileSize(path) > empty + 512 * KIB);
  store.close();
});

test("once writes pause, a checkpoint catches up, and the next write starts the log over", async () => {
  const store = open({ everyBytes: NEVER, idleMs: 30, maxBytesBehind: NEVER });
  const path = pathOf(store);
  const empty = fileSize(path);
  for (let turn = 0; turn < 10; turn++) await writeTurn(store, 10);
  await eventually("the idle checkpoint ran", () => fileSize(path) > empty + 256 * KIB);
  // Nothing was left to copy, so this write goes to the start of the log again.
  await writeTurn(store, 1, 100);
  expect(logPages(path)).toBeLessThan(10);
  store.close();
});

test("with no pause in writes, the store's thread checkpoints once too much is behind", async () => {
  const store = open({ everyBytes: NEVER, idleMs: NEVER_MS, maxBytesBehind: 200 * KIB });
  const path = pathOf(store);
  const empty = fileSize(path);
  for (let turn = 0; turn < 5; turn++) await writeTurn(store, 10);
  // 200 KiB behind was crossed in a turn just made durable: its checkpoint ran then, on this thread.
  expect(fileSize(path)).toBeGreaterThan(empty + 128 * KIB);
  await writeTurn(store, 1, 100);
  expect(logPages(path)).toBeLessThan(10);
  store.close();
});

test("close waits for a checkpoint under way; the file opens again with everything in it", async () => {
  const store = open({ everyBytes: 64 * KIB, idleMs: NEVER_MS, maxBytesBehind: NEVER });
  const path = pathOf(store);
  for (let turn = 0; turn < 10; turn++) await writeTurn(store, 10);
  const names = store.list("v1/configmaps").map((o) => o.metadata?.name);
  store.close();
  const again = new Store(path);
  expect(again.list("v1/configmaps").map((o) => o.metadata?.name)).toEqual(names);
  again.close();
});

test("a thread that cannot open the file answers each checkpoint with the failure, said once, and closes", async () => {
  const store = open({ everyBytes: 32 * KIB, idleMs: NEVER_MS, maxBytesBehind: NEVER });
  // The store keeps its open file; the thread, started at the first checkpoint, finds none.
  rmSync(pathOf(store));
  const said = spyOn(console, "error").mockImplementation(() => undefined);
  try {
    for (let turn = 0; turn < 8; turn++) await writeTurn(store, 4);
    const failures = () =>
      said.mock.calls.filter((args) =>
        /WAL checkpoint failed: the store's file could not be opened/.test(String(args[0])),
      );
    await eventually("the thread answered a checkpoint with its failure", () => failures().length > 0);
    await writeTurn(store, 8);
    await Bun.sleep(50);
    expect(failures()).toHaveLength(1);
    store.close();
  } finally {
    said.mockRestore();
  }
});
