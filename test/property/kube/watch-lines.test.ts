import { expect, test } from "bun:test";
import fc from "fast-check";
import { KubeError } from "../../../src/kube/errors";
import { WatchLineDecoder } from "../../../src/kube/watch-lines";

const event = fc.record({
  type: fc.constantFrom("ADDED", "MODIFIED", "DELETED", "BOOKMARK"),
  object: fc.record({ metadata: fc.record({ name: fc.string({ unit: "grapheme", maxLength: 12 }) }) }),
});

/** Cuts `bytes` at the given offsets (kept in range and order), as a network would. */
const cut = (bytes: Uint8Array, at: number[]): Uint8Array[] => {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
};

test("events come out whole and in order however the body is split into chunks", () => {
  fc.assert(
    fc.property(
      fc.array(event, { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
      (events, at, newline, lastLineOpen) => {
        // A leading space, as the API server sends before the first event, and blank lines are ignored.
        let text = ` ${events.map((e) => JSON.stringify(e)).join(`${newline}${newline}`)}`;
        if (!lastLineOpen) text += newline;
        const decoder = new WatchLineDecoder();
        const out = cut(new TextEncoder().encode(text), at).flatMap((chunk) => decoder.push(chunk));
        out.push(...decoder.end());
        expect(out).toEqual(events as never);
      },
    ),
  );
});

test("a line that is not a watch event fails with UndecodableWatchEvent", () => {
  for (const line of ["{not json", '{"type":"ADDED"}', '{"object":{}}', "[1]"]) {
    const decoder = new WatchLineDecoder();
    let failure: unknown;
    try {
      decoder.push(new TextEncoder().encode(`${line}\n`));
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(KubeError);
    expect((failure as KubeError).reason).toBe("UndecodableWatchEvent");
  }
});
