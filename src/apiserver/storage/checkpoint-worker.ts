// The checkpointer's thread (checkpointer.ts): a connection of its own to the store's file, running one
// passive checkpoint per request. Passive: it copies what is committed and never waits for the writer.
import { Database } from "bun:sqlite";
import type { CheckpointerMessage, CheckpointOutcome } from "./checkpointer";

declare const self: Worker;

let db: Database | undefined;

self.onmessage = ({ data }: MessageEvent<CheckpointerMessage>) => {
  switch (data.kind) {
    case "open":
      db = new Database(data.path, { readwrite: true });
      return;
    case "checkpoint": {
      let outcome: CheckpointOutcome;
      try {
        const row = db!.query("PRAGMA wal_checkpoint(PASSIVE)").get() as {
          log: number;
          checkpointed: number;
        };
        outcome = { kind: "done", complete: row.log === row.checkpointed };
      } catch (e) {
        outcome = { kind: "failed", message: e instanceof Error ? e.message : String(e) };
      }
      postMessage(outcome);
      return;
    }
    case "close": {
      db?.close(true);
      db = undefined;
      // The store waits for this without turning its event loop (its close is synchronous).
      const closed = new Int32Array(data.closed);
      Atomics.store(closed, 0, 1);
      Atomics.notify(closed, 0);
    }
  }
};
