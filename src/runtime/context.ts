import type { ChildRegistry } from "./registry";

/** What every handler needs: the confined base directory and the limits on commands. */
export interface RuntimeContext {
  /** Real path of the base directory; every file path is confined to it and commands run in it. */
  readonly baseDir: string;
  readonly execTimeoutMs: number;
  /** Per stream, for commands whose output is collected into one response. */
  readonly maxOutputBytes: number;
  readonly registry: ChildRegistry;
  readonly startedAt: number;
  readonly shuttingDown: () => boolean;
}
