// The body of a watch response is JSON events, one per line, arriving in network chunks that may split a
// line (or a UTF-8 character) anywhere. Decoding a whole chunk in plain code, rather than line by line
// through stream stages, keeps the per-event cost of a busy watch down to the JSON parse.
import type { RawWatchEvent } from "./client";
import { KubeError } from "./errors";
import type { KubeObject } from "./object";

export class WatchLineDecoder<T extends KubeObject = KubeObject> {
  readonly #text = new TextDecoder();
  #partial = "";

  /** The events completed by this chunk; throws KubeError (UndecodableWatchEvent) at a line that is not one. */
  push(bytes: Uint8Array): RawWatchEvent<T>[] {
    const text = this.#partial + this.#text.decode(bytes, { stream: true });
    const events: RawWatchEvent<T>[] = [];
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      this.#parse(text.slice(start, end), events);
      start = end + 1;
    }
    this.#partial = text.slice(start);
    return events;
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): RawWatchEvent<T>[] {
    const rest = this.#partial + this.#text.decode();
    this.#partial = "";
    const events: RawWatchEvent<T>[] = [];
    this.#parse(rest, events);
    return events;
  }

  #parse(raw: string, out: RawWatchEvent<T>[]): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) return;
    try {
      const event = JSON.parse(line) as RawWatchEvent<T>;
      if (typeof event?.type !== "string" || typeof event.object !== "object" || event.object === null)
        throw new Error("not a watch event");
      out.push(event);
    } catch (cause) {
      throw new KubeError({
        message: `undecodable watch event (${cause instanceof Error ? cause.message : String(cause)}): ${line.slice(0, 200)}`,
        code: 0,
        reason: "UndecodableWatchEvent",
      });
    }
  }
}
