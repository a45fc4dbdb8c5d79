// The checkpointer's thread (checkpointer.ts): a connection of its own to the store's file, running one
// passive checkpoint per request.
import { Database } from "bun:sqlite";
import { type CheckpointerMessage, type CheckpointOutcome, checkpointPassively } from "./checkpointer";

declare const self: Worker;

let db: Database | undefined;
/** Why the file could not be opened: every checkpoint asked for then fails with it. */
let unopened = "";

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Failures are answered, never thrown: the thread stays to answer `close`, and the store's bound on what is
// left behind checkpoints on its own thread meanwhile.
self.onmessage = ({ data }: MessageEvent<CheckpointerMessage>) => {
  switch (data.kind) {
    case "open":
      try {
        db = new Database(data.path, { readwrite: true });
      } catch (e) {
        unopened = messageOf(e);
      }
      return;
    case "checkpoint": {
      let outcome: CheckpointOutcome;
      try {
        if (db === undefined) throw new Error(`the store's file could not be opened: ${unopened}`);
        outcome = { kind: "done", complete: checkpointPassively(db) };
      } catch (e) {
        outcome = { kind: "failed", message: messageOf(e) };
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
