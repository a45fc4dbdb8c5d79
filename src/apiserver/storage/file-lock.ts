// One store per file. The store's own connection shares the file (its checkpointer opens a second one), so
// SQLite's exclusive locking mode cannot keep a second API server out; an exclusive transaction held open on
// a lock file beside it does, in other processes and in this one alike, and ends with the process.
import { Database } from "bun:sqlite";

export interface FileLock {
  release(): void;
}

/** The error for a file another store holds, when SQLite answered `cause` with SQLITE_BUSY; else `cause`. */
export const whenBusy = (path: string, cause: unknown): unknown =>
  (cause as { code?: string }).code === "SQLITE_BUSY"
    ? new Error(`store ${path} is in use by another process (is an API server already running on it?)`)
    : cause;

export const lockStoreFile = (path: string): FileLock => {
  const lock = new Database(`${path}-lock`, { create: true });
  try {
    // No rollback journal beside it: the transaction never writes.
    lock.exec("PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE");
  } catch (e) {
    lock.close(true);
    throw whenBusy(path, e);
  }
  return { release: () => lock.close(true) };
};
