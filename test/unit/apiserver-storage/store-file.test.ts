// The store's file: an earlier layout (objects kept a second copy of their JSON) is upgraded in place with
// nothing lost, and a file already held by one store is refused to a second with a clear error.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../../src/apiserver/storage/store";

const dir = mkdtempSync(join(tmpdir(), "store-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configMap = (name: string, rv: number) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns", resourceVersion: String(rv) },
  data: { rv: String(rv) },
});

/** A file as the earlier layout left it: events 1-10 pruned, `old` last written at 3, `new` at 12. */
const writeLayout0 = (path: string) => {
  const db = new Database(path, { create: true, strict: true });
  db.exec(`
    CREATE TABLE objects (
      rid TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, data TEXT NOT NULL,
      PRIMARY KEY (rid, ns, name));
    CREATE TABLE events (
      rv INTEGER PRIMARY KEY, type TEXT NOT NULL, rid TEXT NOT NULL, ns TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);`);
  const object = db.prepare("INSERT INTO objects VALUES ('v1/configmaps', 'ns', $name, $rv, $data)");
  const event = db.prepare("INSERT INTO events VALUES ($rv, $type, 'v1/configmaps', 'ns', $data)");
  object.run({ name: "old", rv: 3, data: JSON.stringify(configMap("old", 3)) });
  object.run({ name: "new", rv: 12, data: JSON.stringify(configMap("new", 12)) });
  event.run({ rv: 11, type: "MODIFIED", data: JSON.stringify(configMap("new", 11)) });
  event.run({ rv: 12, type: "MODIFIED", data: JSON.stringify(configMap("new", 12)) });
  db.exec("INSERT INTO meta VALUES ('rv', '12'), ('token', 'kept')");
  db.close(true);
};

test("a file of the earlier layout opens with its objects, versions, window and meta intact", () => {
  const path = join(dir, "layout0.sqlite");
  writeLayout0(path);
  const store = new Store(path, 100, 10);
  expect(store.get("v1/configmaps", "ns", "old")).toEqual(configMap("old", 3));
  expect(store.get("v1/configmaps", "ns", "new")).toEqual(configMap("new", 12));
  expect(store.resourceVersion).toBe(12);
  expect(store.getMeta("token")).toBe("kept");
  // Resumable from 10 (the oldest event left was 11); the old object's row does not reopen older history.
  expect(store.oldestResumable).toBe(10);
  expect(store.eventsSince(10).map((e) => e.rv)).toEqual([11, 12]);
  const [next] = store.commit([{ type: "MODIFIED", rid: "v1/configmaps", object: configMap("old", 0) }]);
  expect(next?.rv).toBe(13);
  store.close();

  const again = new Store(path, 100, 10);
  expect(again.get("v1/configmaps", "ns", "old")?.metadata?.resourceVersion).toBe("13");
  expect(again.eventsSince(10).map((e) => e.rv)).toEqual([11, 12, 13]);
  again.close();
});

test("a second store on a file in use is refused, saying why; the file is free again once closed", () => {
  const path = join(dir, "held.sqlite");
  const first = new Store(path);
  expect(() => new Store(path)).toThrow(/in use by another process/);
  first.commit([{ type: "ADDED", rid: "v1/configmaps", object: configMap("kept", 0) }]);
  first.close();
  const second = new Store(path);
  expect(second.get("v1/configmaps", "ns", "kept")).toBeDefined();
  second.close();
});
