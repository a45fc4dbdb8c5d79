// parseRequestHead over generated heads: plain HTTP/1.1 heads parse to exactly what was sent, and every
// ambiguity (bare CR/LF, NUL, space before the colon, obs-fold, HTTP/1.0, framing conflicts, Upgrade,
// Expect, a missing or repeated Host) is left to Bun's server ("other"). No result ever carries a CR or LF in a value.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { parseRequestHead, type RequestHead } from "../../../src/router/http1/requestParser";

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
/** Names the parser reads for framing or hand-off; generated ordinary fields avoid them. */
const SPECIAL = new Set(["content-length", "transfer-encoding", "connection", "upgrade", "expect", "host"]);

const tokenArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
/** Visible ASCII after the leading '/' (quotes, backslashes, dot segments, '%' and '?' included). */
const targetArb = fc
  .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
  .map((rest) => `/${rest}`);
const randomCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""));
const nameArb = tokenArb.filter((n) => !SPECIAL.has(n.toLowerCase())).chain(randomCase);
/** Field-value characters: visible ASCII, obs-text, and SP/HTAB inside (never at the ends, OWS is added apart). */
const valueChar = fc.oneof(
  fc.integer({ min: 0x21, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0xff }),
  fc.constantFrom(0x20, 0x09),
);
const valueArb = fc
  .array(valueChar, { maxLength: 20 })
  .map((codes) => String.fromCharCode(...codes).replace(/^[ \t]+|[ \t]+$/g, ""));
const owsArb = fc.constantFrom("", " ", "\t", "  ", " \t");

interface Field {
  readonly name: string;
  readonly value: string;
  readonly before: string;
  readonly after: string;
}
const fieldArb = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.record({ name, value, before: owsArb, after: owsArb });

type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };
const framingArb: fc.Arbitrary<Framing> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.integer({ min: 0, max: 1e12 }).map((length) => ({ kind: "length" as const, length })),
  fc.constant({ kind: "chunked" as const }),
);

interface Generated {
  readonly method: string;
  readonly target: string;
  readonly fields: readonly Field[];
  readonly framing: Framing;
  readonly close: boolean;
}

const generatedArb: fc.Arbitrary<Generated> = fc
  .record({
    method: tokenArb,
    target: targetArb,
    ordinary: fc.array(fieldArb(nameArb, valueArb), { maxLength: 8 }),
    framing: framingArb,
    connection: fc.option(fc.constantFrom("close", "keep-alive", "Close", "keep-alive, CLOSE", "x-hop"), {
      nil: undefined,
    }),
    specialAt: fc.nat(),
    framingName: randomCase("content-length"),
    teName: randomCase("transfer-encoding"),
    connectionName: randomCase("connection"),
    hostName: randomCase("host"),
  })
  .chain((g) =>
    fc.tuple(owsArb, owsArb, owsArb, owsArb).map(([b1, a1, b2, a2]) => {
      const fields: Field[] = [...g.ordinary];
      // HTTP/1.1 requires exactly one Host.
      const specials: Field[] = [{ name: g.hostName, value: "sandbox.example:8080", before: b2, after: a2 }];
      if (g.framing.kind === "length")
        specials.push({ name: g.framingName, value: String(g.framing.length), before: b1, after: a1 });
      if (g.framing.kind === "chunked")
        specials.push({ name: g.teName, value: "chunked", before: b1, after: a1 });
      if (g.connection !== undefined)
        specials.push({ name: g.connectionName, value: g.connection, before: b2, after: a2 });
      for (const s of specials) fields.splice(g.specialAt % (fields.length + 1), 0, s);
      return {
        method: g.method,
        target: g.target,
        fields,
        framing: g.framing,
        close: g.connection !== undefined && /close/i.test(g.connection),
      };
    }),
  );

function serialise(g: Generated, version = "HTTP/1.1"): string {
  const lines = g.fields.map((f) => `${f.name}:${f.before}${f.value}${f.after}\r\n`).join("");
  return `${g.method} ${g.target} ${version}\r\n${lines}\r\n`;
}

function parsed(head: string): RequestHead {
  const result = parseRequestHead(head);
  if (result === "other") throw new Error(`refused: ${JSON.stringify(head)}`);
  return result;
}

test("valid heads parse to the method, target, lowercase names and trimmed values sent, in order", () => {
  fc.assert(
    fc.property(generatedArb, (g) => {
      const head = parsed(serialise(g));
      expect(head.method).toBe(g.method);
      expect(head.target).toBe(g.target);
      expect(head.fields).toEqual(g.fields.flatMap((f) => [f.name.toLowerCase(), f.value]));
      expect(head.contentLength).toBe(g.framing.kind === "length" ? g.framing.length : -1);
      expect(head.chunked).toBe(g.framing.kind === "chunked");
      expect(head.close).toBe(g.close);
      expect(head.ascii).toBe(!/[^\t\r\n\x20-\x7e]/.test(serialise(g)));
    }),
    { numRuns: 500 },
  );
});

/** One change that makes a valid head ambiguous or not plain HTTP/1.1, applied to its text. */
type Mutation = (g: Generated, head: string, at: number) => string;

/** Somewhere before the final blank line (at least one field line exists there or the request line). */
const insertAt = (head: string, at: number, text: string) => {
  const i = at % (head.length - 3);
  return head.slice(0, i) + text + head.slice(i);
};
const withField = (head: string, line: string) => head.replace("\r\n", `\r\n${line}\r\n`);
/** The head without its own framing fields, for mutations that add conflicting ones. */
const unframed = (g: Generated) =>
  serialise({ ...g, fields: g.fields.filter((f) => !/^(content-length|transfer-encoding)$/i.test(f.name)) });

const mutations: Record<string, Mutation> = {
  "bare CR": (_g, head, at) => insertAt(head, at, "\r"),
  "bare LF": (_g, head, at) => insertAt(head, at, "\n"),
  NUL: (_g, head, at) => insertAt(head, at, "\0"),
  "space before the colon": (_g, head) => withField(head, "X-Spaced : 1"),
  "obs-fold": (_g, head) => withField(head, "X-Folded: a\r\n  continued"),
  "HTTP/1.0": (g) => serialise(g, "HTTP/1.0"),
  "duplicate Content-Length": (g) => withField(unframed(g), "Content-Length: 5\r\ncontent-length: 5"),
  "Transfer-Encoding with Content-Length": (g, _head, at) =>
    withField(
      unframed(g),
      at % 2 === 0
        ? "Transfer-Encoding: chunked\r\nContent-Length: 5"
        : "Content-Length: 5\r\nTransfer-Encoding: chunked",
    ),
  Upgrade: (_g, head) => withField(head, "Upgrade: websocket"),
  Expect: (_g, head) => withField(head, "Expect: 100-continue"),
  "no Host": (g) => serialise({ ...g, fields: g.fields.filter((f) => f.name.toLowerCase() !== "host") }),
  "a second Host": (_g, head) => withField(head, "Host: elsewhere"),
};

for (const [name, mutate] of Object.entries(mutations)) {
  test(`mutation: ${name} leaves the head to Bun's server`, () => {
    fc.assert(
      fc.property(generatedArb, fc.nat(), (g, at) => {
        expect(parseRequestHead(mutate(g, serialise(g), at))).toBe("other");
      }),
      { numRuns: 200 },
    );
  });
}

/** Head-shaped text: field lines whose names and values now and then hold a CR, LF, NUL or obs-text byte. */
const headishUnit = fc.oneof(
  { arbitrary: fc.constantFrom("a", "B", "-", " ", "\t", ":"), weight: 30 },
  { arbitrary: fc.constantFrom("\r", "\n", "\r\n", "\0", "\x85"), weight: 1 },
);
const headishArb = fc
  .array(
    fc.tuple(fc.string({ unit: headishUnit, maxLength: 8 }), fc.string({ unit: headishUnit, maxLength: 20 })),
    {
      maxLength: 6,
    },
  )
  .map((lines) => `GET / HTTP/1.1\r\n${lines.map(([n, v]) => `${n}:${v}\r\n`).join("")}\r\n`);

test("no parse result has a field value with CR or LF, or a name that is not a lowercase token", () => {
  fc.assert(
    fc.property(headishArb, (text) => {
      const head = parseRequestHead(text);
      if (head === "other") return;
      for (let i = 0; i < head.fields.length; i += 2) {
        expect(head.fields[i]).toMatch(/^[a-z0-9!#$%&'*+\-.^_`|~]+$/);
        expect(head.fields[i + 1]).not.toMatch(/[\r\n]/);
      }
    }),
    { numRuns: 2000 },
  );
});
