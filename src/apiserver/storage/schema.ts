// The SQLite file behind the store: its settings, its tables, and the upgrade from the earlier layout.
// Layout 1 is the event log alone: a change is one appended row, and an object's current version is its
// newest row (unless that row is its deletion). The watch window's prune keeps the rows that are current
// versions, so below the prune point only those remain. (Layout 0 kept each object's JSON a second time in an
// `objects` table, which more than doubled the pages every commit wrote.)
import { Database } from "bun:sqlite";
import { whenBusy } from "./file-lock";

const LAYOUT = 1;

const TABLES = `
  CREATE TABLE IF NOT EXISTS events (
    rv INTEGER PRIMARY KEY, type TEXT NOT NULL, rid TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,
    data TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);`;

/**
 * Layout 0 -> 1: events learn their object's name; each object's row in `objects` becomes its event row
 * (below the window it had none left), and `objects` goes.
 */
const upgradeFromLayout0 = (db: Database): void => {
  db.transaction(() => {
    // Everything below the oldest event was pruned; from now on the store records that point itself.
    const oldest = db.query("SELECT MIN(rv) AS rv FROM events").get() as { rv: number | null };
    const newest = db.query("SELECT MAX(rv) AS rv FROM events").get() as { rv: number | null };
    const recorded = db.query("SELECT v FROM meta WHERE k = 'rv'").get() as { v: string } | null;
    const pruned = oldest.rv !== null ? oldest.rv - 1 : Math.max(newest.rv ?? 0, Number(recorded?.v ?? 0));
    db.exec(`
      ALTER TABLE events ADD COLUMN name TEXT NOT NULL DEFAULT '';
      UPDATE events SET name = json_extract(data, '$.metadata.name');
      INSERT OR IGNORE INTO events (rv, type, rid, ns, name, data)
        SELECT rv, 'MODIFIED', rid, ns, name, data FROM objects;
      DROP TABLE objects;`);
    db.query("INSERT OR REPLACE INTO meta (k, v) VALUES ('pruned', $v)").run({ v: String(pruned) });
    db.exec(`PRAGMA user_version = ${LAYOUT}`);
  })();
};

const hasTable = (db: Database, name: string): boolean =>
  db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name").get({ name }) !== null;

const prepare = (db: Database): void => {
  const layout = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (layout > LAYOUT)
    throw new Error(`store layout ${layout} is newer than this API server understands (${LAYOUT})`);
  if (layout === 0 && hasTable(db, "objects")) upgradeFromLayout0(db);
  else {
    db.exec(TABLES);
    db.exec(`PRAGMA user_version = ${LAYOUT}`);
  }
};

/** The log is cut back to this size when it starts over, so one burst of writes does not keep its peak. */
const WAL_SIZE_LIMIT = 8 * 1024 * 1024;

/**
 * Opens (creating or upgrading) the store's database; the caller holds the file's lock (file-lock.ts). The
 * connection leaves checkpoints to the store's checkpointer (checkpointer.ts).
 */
export const openStoreDatabase = (path: string): Database => {
  const db = new Database(path, { create: true, strict: true });
  try {
    // WAL with synchronous=NORMAL: a commit is durable once it returns against a crash of this process, but
    // not against an OS crash or power loss, which can roll back the last commits (never tear one); SQLite
    // syncs at checkpoints only. Per-commit fsync (FULL) would cost a disk flush per API write.
    if (path !== ":memory:")
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;
        PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT};`);
    prepare(db);
    return db;
  } catch (e) {
    db.close(true);
    throw whenBusy(path, e);
  }
};
