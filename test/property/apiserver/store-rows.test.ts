// The store's SQLite file keeps each object's JSON once, in the event row of its current version, and prunes
// every other event that falls out of the watch window: the file holds at most the window, the objects and one
// prune period of events, and a restart finds every object as it was, however long ago it last changed.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { KObject } from "../../../src/apiserver/resources/types";
import { type Change, Store } from "../../../src/apiserver/storage/store";

const dir = mkdtempSync(join(tmpdir(), "store-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How often the store prunes, in versions (a commit crossing a multiple of it prunes). */
const PRUNE_PERIOD = 512;

const NAMES = ["a", "b", "c", "d", "e", "f"];

/** One commit: an object (by name) changed, or one time in five deleted. */
const step = fc.tuple(
  fc.constantFrom(...NAMES),
  fc.nat(4).map((n) => n === 0),
);

const configMap = (name: string, i: number) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns" },
  data: { i: String(i) },
});

const count = (path: string, sql: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query(sql).get() as { n: number }).n;
  } finally {
    db.close(true);
  }
};

let run = 0;
test("past the prune only current versions stay, and a restart finds every object however old", () => {
  fc.assert(
    fc.property(
      // Long enough to cross a prune or three.
      fc.array(step, { minLength: 600, maxLength: 2000, size: "max" }),
      fc.integer({ min: 1, max: 300 }),
      (steps, windowSize) => {
        const path = join(dir, `rows-${run++}.sqlite`);
        const store = new Store(path, windowSize, 10);
        const live = new Map<string, KObject>();
        // Written once, before everything else: its only event falls out of the window early.
        const [still] = store.commit([
          { type: "ADDED", rid: "v1/configmaps", object: configMap("still", -1) },
        ]);
        live.set("still", still!.object);
        steps.forEach(([name, remove], i) => {
          const exists = live.has(name);
          const type: Change["type"] = remove ? "DELETED" : exists ? "MODIFIED" : "ADDED";
          if (remove && !exists) return;
          const [event] = store.commit([{ type, rid: "v1/configmaps", object: configMap(name, i) }]);
          if (remove) live.delete(name);
          else live.set(name, event!.object);
        });
        const before = store.resourceVersion;
        store.close();

        const pruned = "(SELECT CAST(v AS INTEGER) FROM meta WHERE k = 'pruned')";
        expect(count(path, `SELECT ${pruned} AS n`)).toBeGreaterThan(0);
        // Past the prune point only current versions are left; after it, at most the window and one period.
        const stale = `SELECT COUNT(*) AS n FROM events e WHERE e.rv <= ${pruned}
          AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.rv = e.rv)`;
        expect(count(path, stale)).toBe(0);
        const recent = count(path, `SELECT COUNT(*) AS n FROM events WHERE rv > ${pruned}`);
        expect(recent).toBeLessThanOrEqual(windowSize + PRUNE_PERIOD);
        expect(count(path, "SELECT COUNT(*) AS n FROM objects")).toBe(live.size);

        const again = new Store(path, windowSize, 10);
        expect(again.resourceVersion).toBe(before);
        for (const name of ["still", ...NAMES])
          expect(again.get("v1/configmaps", "ns", name)).toEqual(live.get(name));
        again.close();
      },
    ),
    { numRuns: 40 },
  );
});
