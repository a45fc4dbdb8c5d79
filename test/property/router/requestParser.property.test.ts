// parseRequestHead over the bytes of generated heads: plain HTTP/1.1 heads parse to exactly what was sent, and every
// ambiguity (bare CR/LF, NUL, space before the colon, obs-fold, HTTP/1.0, framing conflicts, Upgrade,
// Expect, a missing or repeated Host) is left to Bun's server ("other"). No result ever carries a CR or LF in a value.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { fieldsOf, type Generated, generatedArb, parse, parsed, serialise } from "../../support/requestHeads";

test("valid heads parse to the method, target, lowercase names and trimmed values sent, in order", () => {
  fc.assert(
    fc.property(generatedArb, (g) => {
      const head = parsed(serialise(g));
      expect(head.method).toBe(g.method);
      expect(head.target).toBe(g.target);
      expect(fieldsOf(head)).toEqual(g.fields.flatMap((f) => [f.name.toLowerCase(), f.value]));
      expect(head.contentLength).toBe(g.framing.kind === "length" ? g.framing.length : -1);
      expect(head.chunked).toBe(g.framing.kind === "chunked");
      expect(head.close).toBe(g.close);
      const values = new Map<string, string[]>();
      for (const f of g.fields)
        values.set(f.name.toLowerCase(), [...(values.get(f.name.toLowerCase()) ?? []), f.value]);
      for (const [name, sent] of values) {
        expect(head.get(name)).toBe(sent.join(", "));
        expect(head.has(name)).toBe(true);
      }
      expect(head.get("x-never-sent")).toBeNull();
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
        expect(parse(mutate(g, serialise(g), at))).toBe("other");
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
      const head = parse(text);
      if (head === "other") return;
      const fields = fieldsOf(head);
      for (let i = 0; i < fields.length; i += 2) {
        expect(fields[i]).toMatch(/^[a-z0-9!#$%&'*+\-.^_`|~]+$/);
        expect(fields[i + 1]).not.toMatch(/[\r\n]/);
      }
    }),
    { numRuns: 2000 },
  );
});
