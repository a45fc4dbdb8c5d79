// The store's SQLite file is its event log: each object's JSON is kept once, in the event row of its current
// version, and every other event that falls out of the watch window is pruned. The file holds at most the
// window, the objects and one prune period of events, and a restart finds every object as it was, however
// long ago it last changed.
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
      // Commits of one to three changes (with a window of one or two, a commit's own versions fall in the
      // range it prunes), enough of them to cross a prune or three.
      fc.array(fc.array(step, { minLength: 1, maxLength: 3 }), {
        minLength: 400,
        maxLength: 1200,
        size: "max",
      }),
      fc.oneof(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 300 })),
      (commits, windowSize) => {
        const path = join(dir, `rows-${run++}.sqlite`);
        const store = new Store(path, windowSize, 10);
        const live = new Map<string, KObject>();
        // Written once, before everything else: its only event falls out of the window early.
        const [still] = store.commit([
          { type: "ADDED", rid: "v1/configmaps", object: configMap("still", -1) },
        ]);
        live.set("still", still!.object);
        commits.forEach((steps, i) => {
          // Applied in order to a copy of the model; a deletion of an object that is not there is left out.
          const changes: Change[] = [];
          const exists = new Set(live.keys());
          for (const [name, remove] of steps) {
            if (remove && !exists.has(name)) continue;
            const type: Change["type"] = remove ? "DELETED" : exists.has(name) ? "MODIFIED" : "ADDED";
            changes.push({ type, rid: "v1/configmaps", object: configMap(name, i) });
            if (remove) exists.delete(name);
            else exists.add(name);
          }
          for (const event of store.commit(changes)) {
            const name = event.object.metadata?.name as string;
            if (event.type === "DELETED") live.delete(name);
            else live.set(name, event.object);
          }
        });
        // Last, a commit of three new objects that crosses a prune: with a window of one or two, the versions
        // it writes itself fall in the pruned range, and only the commit knows they are current.
        while (store.resourceVersion % PRUNE_PERIOD !== PRUNE_PERIOD - 2)
          store.commit([{ type: "MODIFIED", rid: "v1/configmaps", object: configMap("a", -2) }]);
        live.set("a", store.get("v1/configmaps", "ns", "a")!);
        for (const event of store.commit(
          ["x", "y", "z"].map((name) => ({
            type: "ADDED",
            rid: "v1/configmaps",
            object: configMap(name, -3),
          })),
        ))
          live.set(event.object.metadata?.name as string, event.object);
        const before = store.resourceVersion;
        store.close();

        const pruned = "(SELECT CAST(v AS INTEGER) FROM meta WHERE k = 'pruned')";
        expect(count(path, `SELECT ${pruned} AS n`)).toBeGreaterThan(0);
        // Past the prune point only current versions are left (each object's newest row, not a deletion);
        // after it, at most the window and one period.
        const stale = `SELECT COUNT(*) AS n FROM events e WHERE e.rv <= ${pruned} AND (e.type = 'DELETED'
          OR EXISTS (SELECT 1 FROM events n WHERE n.rid = e.rid AND n.ns = e.ns AND n.name = e.name AND n.rv > e.rv))`;
        expect(count(path, stale)).toBe(0);
        expect(count(path, `SELECT COUNT(*) AS n FROM events WHERE rv <= ${pruned}`)).toBeLessThanOrEqual(
          live.size,
        );
        const recent = count(path, `SELECT COUNT(*) AS n FROM events WHERE rv > ${pruned}`);
        expect(recent).toBeLessThanOrEqual(windowSize + PRUNE_PERIOD);

        const again = new Store(path, windowSize, 10);
        expect(again.resourceVersion).toBe(before);
        for (const name of ["still", "x", "y", "z", ...NAMES])
          expect(again.get("v1/configmaps", "ns", name)).toEqual(live.get(name));
        again.close();
      },
    ),
    { numRuns: 40 },
  );
});
