// scanRelayableHead against the full response parser (the reference): whenever the byte scan accepts a head,
// the parser agrees it may be relayed as received and reads the same framing; plain heads are accepted.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { findHeadEnd, parseResponseHead } from "../../../src/router/http1/responseHead";
import { ScannedHead, scanRelayableHead } from "../../../src/router/http1/responseScan";

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
const randomCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""));
const tokenArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
const textArb = fc
  .array(
    fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)),
    {
      maxLength: 20,
    },
  )
  .map((codes) => String.fromCharCode(...codes));
const owsArb = fc.constantFrom("", " ", "\t", "  ");

/** Fields that matter to framing or are hop-by-hop, with values that are sometimes valid. */
const specialFieldArb = fc.oneof(
  fc.tuple(
    randomCase("content-length"),
    fc.constantFrom("0", "19", "5, 5", "+5", "", "1234567890123456", "x"),
  ),
  fc.tuple(
    randomCase("transfer-encoding"),
    fc.constantFrom("chunked", "Chunked", "gzip, chunked", "gzip", ""),
  ),
  fc.tuple(
    fc.constantFrom("connection", "Keep-Alive", "TE", "trailers", "upgrade", "Proxy-Authenticate"),
    textArb,
  ),
  fc.tuple(randomCase("content-type"), fc.constant("text/plain")),
);
const fieldArb = fc.tuple(
  fc.oneof({ arbitrary: fc.tuple(tokenArb, textArb), weight: 8 }, { arbitrary: specialFieldArb, weight: 1 }),
  owsArb,
  owsArb,
);

const headArb = fc
  .record({
    version: fc.constantFrom("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0"),
    status: fc.oneof(
      { arbitrary: fc.integer({ min: 200, max: 599 }), weight: 4 },
      { arbitrary: fc.integer({ min: 100, max: 199 }), weight: 1 },
    ),
    reason: fc.option(textArb, { nil: undefined }),
    fields: fc.array(fieldArb, { maxLength: 8 }),
    framing: fc.option(fc.constantFrom("Content-Length: 19", "transfer-encoding: chunked"), {
      freq: 4,
      nil: undefined,
    }),
  })
  .map(({ version, status, reason, fields, framing }) => {
    const statusLine = reason === undefined ? `${version} ${status}` : `${version} ${status} ${reason}`;
    const lines = fields.map(([[name, value], before, after]) => `${name}:${before}${value}${after}\r\n`);
    if (framing !== undefined) lines.push(`${framing}\r\n`);
    return `${statusLine}\r\n${lines.join("")}\r\n`;
  });

/** Sometimes a byte that breaks the head's shape, somewhere before its last four bytes. */
const mutatedArb = fc
  .tuple(headArb, fc.option(fc.tuple(fc.nat(), fc.constantFrom("\r", "\n", "\0", " ", ":")), { freq: 3 }))
  .map(([head, mutation]) => {
    if (mutation === null) return head;
    const [at, text] = mutation;
    const i = at % (head.length - 4);
    return head.slice(0, i) + text + head.slice(i);
  });

test("an accepted head is one the full parser relays as received, with the same framing", () => {
  // One head object for every run, as an upstream connection keeps one for all its responses.
  const reused = new ScannedHead();
  fc.assert(
    fc.property(mutatedArb, (text) => {
      const buf = Buffer.from(text, "latin1");
      const end = findHeadEnd(buf);
      if (end === -1) return;
      const scanned = scanRelayableHead(buf, end, reused);
      if (scanned === undefined) return;
      const full = parseResponseHead(buf.toString("latin1", 0, end));
      expect(full).not.toBe("invalid");
      if (full === "invalid") return;
      expect(full.verbatim).toBe(true);
      expect({
        status: scanned.status,
        contentLength: scanned.contentLength,
        chunked: scanned.chunked,
        hasContentType: scanned.hasContentType,
      }).toEqual({
        status: full.status,
        contentLength: full.contentLength,
        chunked: full.chunked,
        hasContentType: full.hasContentType,
      });
      expect(full.closeDelimited).toBe(false);
      expect(full.close).toBe(false);
      expect(full.status).toBeGreaterThanOrEqual(200);
    }),
    { numRuns: 2000 },
  );
});

test("a plain head (final status, one Content-Length or chunked, nothing hop-by-hop) is accepted", () => {
  const plainArb = fc.record({
    status: fc.integer({ min: 200, max: 599 }),
    reason: textArb,
    others: fc.array(
      fc.tuple(
        tokenArb.filter(
          (t) =>
            !/^(content-length|transfer-encoding|connection|keep-alive|te|trailers|upgrade|proxy-authenticate|proxy-authorization)$/i.test(
              t,
            ),
        ),
        textArb,
      ),
      { maxLength: 6 },
    ),
    framing: fc.oneof(
      fc.nat({ max: 1e9 }).map((n) => `Content-Length: ${n}`),
      fc.constant("Transfer-Encoding: chunked"),
    ),
  });
  fc.assert(
    fc.property(plainArb, ({ status, reason, others, framing }) => {
      const lines = [...others.map(([n, v]) => `${n}: ${v.trim()}`), framing];
      const buf = Buffer.from(
        `HTTP/1.1 ${status} ${reason}\r\n${lines.map((l) => `${l}\r\n`).join("")}\r\n`,
        "latin1",
      );
      const scanned = scanRelayableHead(buf, buf.length);
      expect(scanned?.status).toBe(status);
    }),
  );
});
