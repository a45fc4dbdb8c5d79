// The store's watch window: a watch can resume from any version in the last `windowSize` events and gets
// exactly the events after it, in order, whether they are still in memory or read back from SQLite; and no
// more than `memoryWindow` events are ever held in memory, however long the store runs (a soak once showed
// the API server's memory growing with 10,000 events of history kept as objects).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { type Change, Store } from "../../../src/apiserver/storage/store";

const dir = mkdtempSync(join(tmpdir(), "watch-window-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const change = (i: number, name: string, type: Change["type"] = "MODIFIED"): Change => ({
  type,
  rid: "v1/pods",
  object: { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns" }, spec: { step: i } },
});

/** Batches of changes: each batch is one commit of 1–3 changes over a handful of names. */
const batches = fc.array(
  fc.array(
    fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.constantFrom<Change["type"]>("ADDED", "MODIFIED")),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  { minLength: 1, maxLength: 120 },
);

const expectResumesExactly = (store: Store, committed: number) => {
  const oldest = store.oldestResumable;
  expect(oldest).toBeGreaterThanOrEqual(0);
  for (const from of [oldest, Math.floor((oldest + committed) / 2), committed - 1, committed]) {
    if (from < oldest || from > committed) continue;
    const events = store.eventsSince(from);
    expect(events.map((e) => e.rv)).toEqual(Array.from({ length: committed - from }, (_, i) => from + 1 + i));
    for (const e of events) expect(e.object.metadata?.resourceVersion).toBe(String(e.rv));
  }
};

test("every version in the window resumes exactly; memory holds at most memoryWindow events", () => {
  fc.assert(
    fc.property(
      batches,
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 40 }),
      (commits, windowSize, memoryWindow) => {
        const store = new Store(":memory:", windowSize, memoryWindow);
        let i = 0;
        for (const batch of commits) {
          store.commit(batch.map(([name, type]) => change(i++, name, type)));
          expect(store.eventsInMemory).toBeLessThanOrEqual(Math.min(windowSize, memoryWindow));
        }
        expect(store.resourceVersion).toBe(i);
        // The window is as long as promised (or all history, when shorter).
        expect(store.oldestResumable).toBe(Math.max(0, i - windowSize));
        expectResumesExactly(store, i);
        store.close();
      },
    ),
    { numRuns: 150 },
  );
});

test("after a restart the same window resumes from SQLite, memory still bounded", () => {
  const path = join(dir, "store.sqlite");
  const first = new Store(path, 500, 50);
  for (let i = 0; i < 2000; i++) first.commit([change(i, `pod-${i % 7}`)]);
  expect(first.eventsInMemory).toBe(50);
  first.close();
  const again = new Store(path, 500, 50);
  expect(again.eventsInMemory).toBe(50);
  expect(again.oldestResumable).toBe(1500);
  expectResumesExactly(again, 2000);
  again.commit([change(2000, "pod-0")]);
  expect(again.oldestResumable).toBe(1501);
  expectResumesExactly(again, 2001);
  again.close();
});

test("after a restart the version sequence goes on where it stopped, whatever the window kept", () => {
  let run = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1300 }),
      fc.integer({ min: 1, max: 600 }),
      (commits, windowSize) => {
        const path = join(dir, `versions-${run++}.sqlite`);
        const first = new Store(path, windowSize, 20);
        for (let i = 0; i < commits; i++) first.commit([change(i, `pod-${i % 5}`)]);
        first.close();
        const again = new Store(path, windowSize, 20);
        expect(again.resourceVersion).toBe(commits);
        const [next] = again.commit([change(commits, "pod-0")]);
        expect(next?.rv).toBe(commits + 1);
        again.close();
      },
    ),
    { numRuns: 15 },
  );
});

test("every object the store holds, before and after a restart, has its JSON at hand byte for byte", () => {
  const path = join(dir, "json.sqlite");
  const store = new Store(path, 100, 10);
  for (let i = 0; i < 30; i++) store.commit([change(i, `pod-${i % 4}`, i < 4 ? "ADDED" : "MODIFIED")]);
  store.commit([change(30, "pod-3", "DELETED")]);
  const current = (s: Store) => ["pod-0", "pod-1", "pod-2"].map((n) => s.get("v1/pods", "ns", n)!);
  for (const o of current(store)) expect(store.jsonOf(o)).toBe(JSON.stringify(o));
  // An equal object the store does not hold has none: only identity vouches for the bytes.
  expect(store.jsonOf(structuredClone(current(store)[0]))).toBeUndefined();
  store.close();
  const again = new Store(path, 100, 10);
  for (const o of current(again)) expect(again.jsonOf(o)).toBe(JSON.stringify(o));
  again.close();
});
