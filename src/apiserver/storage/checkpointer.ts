// Checkpoints of a store's write-ahead log, on a thread of their own. A checkpoint copies committed pages back
// into the database file and flushes the disk; SQLite by default runs one inside the commit that fills 1,000
// pages, which holds up the event loop (and every answer waiting on that commit) for 15-30 ms here. The store
// commits with automatic checkpoints off and tells the checkpointer how much each turn wrote.
import type { Database } from "bun:sqlite";

export interface CheckpointPolicy {
  /** Bytes written (the stored JSON) after which a checkpoint is asked for, even while writes go on. */
  readonly everyBytes: number;
  /**
   * A checkpoint once writes pause this long. One running beside commits cannot finish (each adds pages), and
   * SQLite starts the log over only after one that did: with writes paused, this one can.
   */
  readonly idleMs: number;
  /**
   * Past this many bytes written since a checkpoint last finished (writes never paused long enough), the store's
   * own thread checkpoints, between two of its transactions, where nothing is added while it runs.
   */
  readonly maxBytesBehind: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  everyBytes: 2 * 1024 * 1024,
  idleMs: 100,
  maxBytesBehind: 32 * 1024 * 1024,
};

export type CheckpointerMessage =
  | { readonly kind: "open"; readonly path: string }
  | { readonly kind: "checkpoint" }
  | { readonly kind: "close"; readonly closed: SharedArrayBuffer };

export type CheckpointOutcome =
  /** `complete`: nothing was left in the log that it did not copy. */
  | { readonly kind: "done"; readonly complete: boolean }
  | { readonly kind: "failed"; readonly message: string };

/**
 * One passive checkpoint on `db` (the store's connection or the thread's): it copies what is committed and
 * never waits for the writer. True when it copied everything the log held.
 */
export const checkpointPassively = (db: Database): boolean => {
  const row = db.query("PRAGMA wal_checkpoint(PASSIVE)").get() as { log: number; checkpointed: number };
  return row.log === row.checkpointed;
};

/** How long `close` waits for a checkpoint under way to end. */
const CLOSE_WAIT_MS = 10_000;

export class Checkpointer {
  #worker: Worker | undefined;
  /** No thread (it could not start, or died): checkpoints run on the store's thread, as SQLite's own would. */
  #inline = false;
  #running = false;
  /** Asked for while one was running: run another when it ends. */
  #again = false;
  /** Bytes written since a checkpoint was last asked for. */
  #unasked = 0;
  /** Bytes written since a checkpoint last finished (the next transaction then starts the log over). */
  #behind = 0;
  /** `#behind` when the running checkpoint was asked for: what it will have copied if it finishes. */
  #covered = 0;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #lastFailure = "";

  constructor(
    private readonly path: string,
    /** The store's connection, for checkpoints on its thread. */
    private readonly db: Database,
    private readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
  ) {}

  /** After each transaction the store committed: how many bytes it wrote. */
  committed(bytes: number): void {
    this.#unasked += bytes;
    this.#behind += bytes;
    if (this.#behind > this.policy.maxBytesBehind && !this.#running) this.#checkpointHere();
    else if (this.#unasked >= this.policy.everyBytes) this.#ask();
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#behind > 0 && this.#ask(), this.policy.idleMs);
    this.#idle.unref();
  }

  /** Stops the thread once a checkpoint under way ended (bounded); the store closes its connection after. */
  close(): void {
    clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    const closed = new SharedArrayBuffer(4);
    worker.postMessage({ kind: "close", closed } satisfies CheckpointerMessage);
    Atomics.wait(new Int32Array(closed), 0, 0, CLOSE_WAIT_MS);
    worker.terminate();
  }

  #ask(): void {
    this.#unasked = 0;
    if (this.#running) {
      this.#again = true;
      return;
    }
    const worker = this.#inline ? undefined : (this.#worker ?? this.#start());
    if (worker === undefined) {
      this.#checkpointHere();
      return;
    }
    this.#running = true;
    this.#covered = this.#behind;
    worker.postMessage({ kind: "checkpoint" } satisfies CheckpointerMessage);
  }

  #start(): Worker | undefined {
    try {
      const worker = new Worker(new URL("./checkpoint-worker.ts", import.meta.url).href);
      worker.onmessage = ({ data }: MessageEvent<CheckpointOutcome>) => this.#ended(data);
      worker.onerror = (event) => this.#died(event.message);
      worker.postMessage({ kind: "open", path: this.path } satisfies CheckpointerMessage);
      // An idle checkpointer must not keep the process alive.
      worker.unref();
      this.#worker = worker;
      return worker;
    } catch (e) {
      this.#died(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  #ended(outcome: CheckpointOutcome): void {
    this.#running = false;
    if (outcome.kind === "failed") this.#failed(outcome.message);
    // Writes committed since it was asked for may not be in it: they stay counted.
    else if (outcome.complete) this.#behind -= this.#covered;
    if (this.#again) {
      this.#again = false;
      this.#ask();
    }
  }

  #died(message: string): void {
    console.error(`apiserver: the WAL checkpoint thread stopped (${message}); checkpoints run inline`);
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#inline = true;
    this.#running = false;
  }

  #checkpointHere(): void {
    this.#unasked = 0;
    try {
      if (checkpointPassively(this.db)) this.#behind = 0;
    } catch (e) {
      this.#failed(e instanceof Error ? e.message : String(e));
    }
  }

  /** A failed checkpoint loses nothing (the log keeps the pages); said once per distinct cause. */
  #failed(message: string): void {
    if (message === this.#lastFailure) return;
    this.#lastFailure = message;
    console.error(`apiserver: WAL checkpoint failed: ${message}`);
  }
}
