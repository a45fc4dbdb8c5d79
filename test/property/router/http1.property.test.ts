// The router's HTTP/1.1 client parsers: chunked decoding and response heads, whole and split anywhere.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { ChunkedDecoder, ChunkedError } from "../../../src/router/http1/chunkedDecoder";
import { findHeadEnd, parseResponseHead } from "../../../src/router/http1/responseHead";

const latin1 = (s: string) => Buffer.from(s, "latin1");

function encodeChunked(
  chunks: readonly Uint8Array[],
  extensions: boolean,
  trailers: readonly string[],
): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    parts.push(
      latin1(`${c.length.toString(16)}${extensions ? ";ext=1" : ""}\r\n`),
      Buffer.from(c),
      latin1("\r\n"),
    );
  }
  parts.push(latin1(`0\r\n${trailers.map((t) => `${t}\r\n`).join("")}\r\n`));
  return Buffer.concat(parts);
}

/** Splits `bytes` at the given cut points (sorted, deduplicated) into consecutive pieces. */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(last, p));
    last = p;
  }
  pieces.push(bytes.subarray(last));
  return pieces;
}

/** Feeds pieces until the decoder reports the end; returns the payload and the bytes left after the end. */
function decodePieces(pieces: readonly Uint8Array[]): { payload: Buffer; after: number; done: boolean } {
  const decoder = new ChunkedDecoder();
  const out: Uint8Array[] = [];
  let after = 0;
  let done = false;
  for (const piece of pieces) {
    if (done) {
      after += piece.length;
      continue;
    }
    const end = decoder.feed(piece, (d) => out.push(Uint8Array.from(d)));
    if (end !== -1) {
      done = true;
      after += piece.length - end;
    }
  }
  return { payload: Buffer.concat(out), after, done };
}

const chunksArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 8 });
const trailerArb = fc.array(fc.constantFrom("x-checksum: abc", "Expires: never"), { maxLength: 2 });

test("chunked: any payload, split anywhere, decodes to the original bytes and stops at the message end", () => {
  fc.assert(
    fc.property(
      chunksArb,
      fc.boolean(),
      trailerArb,
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.uint8Array({ maxLength: 20 }),
      (chunks, ext, trailers, cuts, tail) => {
        const encoded = encodeChunked(chunks, ext, trailers);
        const wire = Buffer.concat([encoded, Buffer.from(tail)]);
        const { payload, after, done } = decodePieces(splitAt(wire, cuts));
        expect(done).toBe(true);
        expect(payload.equals(Buffer.concat(chunks.map((c) => Buffer.from(c))))).toBe(true);
        expect(after).toBe(tail.length);
      },
    ),
  );
});

test("chunked: a message cut short is never reported complete", () => {
  fc.assert(
    fc.property(chunksArb, fc.nat(), (chunks, cut) => {
      const encoded = encodeChunked(chunks, false, []);
      const prefix = encoded.subarray(0, cut % encoded.length);
      expect(decodePieces([prefix]).done).toBe(false);
    }),
  );
});

test("chunked: malformed framing throws instead of passing bytes through", () => {
  for (const bad of [
    "zz\r\n",
    "5\r\nhello\r\r",
    "5\nhello\r\n",
    "5\r\nhelloX\r\n",
    "\r\n",
    "-1\r\n",
    "3\r\nabc\r\n0\r\n\rx",
  ]) {
    expect(() => new ChunkedDecoder().feed(latin1(bad), () => {})).toThrow(ChunkedError);
  }
});

const tokenArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const valueArb = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
const HOP = [
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailers",
  "proxy-authenticate",
];
// Connection is left out: its value names further headers to drop (covered in the framing test below).
const nameArb = fc.oneof(
  tokenArb,
  fc.constantFrom("Keep-Alive", "Transfer-Encoding", "Upgrade", "TE", "trailers"),
);

test("response head: status and end-to-end fields survive in order, hop-by-hop ones never do", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 200, max: 599 }),
      fc.array(fc.tuple(nameArb, valueArb), { maxLength: 8 }),
      fc.nat(),
      (status, fields, cut) => {
        const head = `HTTP/1.1 ${status} Reason\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
        const bytes = latin1(`${head}body`);
        // Incremental search for the head end, resumed where the previous piece ended, finds the same end.
        const first = bytes.subarray(0, cut % bytes.length);
        const resumedEnd =
          findHeadEnd(first) === -1 ? findHeadEnd(bytes, Math.max(0, first.length - 3)) : findHeadEnd(first);
        expect(resumedEnd).toBe(head.length);
        const parsed = parseResponseHead(head);
        if (parsed === "invalid") throw new Error(`rejected ${JSON.stringify(head)}`);
        expect(parsed.status).toBe(status);
        const lower = (n: string) => n.toLowerCase();
        const expected = fields.filter(([n]) => !HOP.includes(lower(n)) && lower(n) !== "content-length");
        const got: [string, string][] = [];
        for (let i = 0; i < parsed.fields.length; i += 2)
          got.push([parsed.fields[i]!, parsed.fields[i + 1]!]);
        expect(got.filter(([n]) => lower(n) !== "content-length")).toEqual(expected);
      },
    ),
  );
});

test("response head: framing follows RFC 9112 (Transfer-Encoding over Content-Length, else close-delimited)", () => {
  const parse = (lines: string) => parseResponseHead(`HTTP/1.1 200 OK\r\n${lines}\r\n`);
  expect(parse("Content-Length: 5\r\n")).toMatchObject({
    contentLength: 5,
    chunked: false,
    closeDelimited: false,
  });
  expect(parse("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")).toMatchObject({
    contentLength: -1,
    chunked: true,
    fields: [],
  });
  expect(parse("Transfer-Encoding: gzip\r\n")).toMatchObject({ chunked: false, closeDelimited: true });
  expect(parse("")).toMatchObject({ closeDelimited: true, close: false });
  expect(parse("Connection: close, X-Hop\r\nX-Hop: 1\r\nX-Kept: 2\r\nContent-Length: 0\r\n")).toMatchObject({
    close: true,
    fields: ["X-Kept", "2", "Content-Length", "0"],
  });
  expect(parseResponseHead("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).toMatchObject({ close: true });
  expect(parse("Content-Length: 5, 5\r\n")).toMatchObject({ contentLength: 5 });
  for (const bad of [
    "Content-Length: 5\r\nContent-Length: 6\r\n",
    "Content-Length: -1\r\n",
    "Bad Name: x\r\n",
    " folded\r\n",
    "X-A: a\rb\r\n",
  ]) {
    expect(parse(bad)).toBe("invalid");
  }
  expect(parseResponseHead("HTTP/2 200 OK\r\n\r\n")).toBe("invalid");
  expect(parseResponseHead("HTTP/1.1 20 OK\r\n\r\n")).toBe("invalid");
});

test("response head: arbitrary bytes never throw; they parse or are refused", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (junk) => {
      const result = parseResponseHead(`HTTP/1.1 200 OK\r\n${junk}\r\n\r\n`);
      expect(result === "invalid" || typeof result === "object").toBe(true);
    }),
  );
});
