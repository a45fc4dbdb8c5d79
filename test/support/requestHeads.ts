// Generated HTTP/1.1 request heads for the property tests of the listener's parser and upstream head writer:
// plain heads with ordinary fields in random case and spacing, one Host, optional framing and Connection.
import fc from "fast-check";
import {
  COLON,
  NAME_START,
  parseRequestHead,
  type RequestHead,
  type RequestParse,
  SPAN,
  VALUE_END,
  VALUE_START,
} from "../../src/router/http1/requestParser";

export const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
/** Names the parser reads for framing or hand-off; generated ordinary fields avoid them. */
const SPECIAL = new Set(["content-length", "transfer-encoding", "connection", "upgrade", "expect", "host"]);

export const tokenArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
/** Visible ASCII after the leading '/' (quotes, backslashes, dot segments, '%' and '?' included). */
const targetArb = fc
  .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
  .map((rest) => `/${rest}`);
export const randomCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""));
export const nameArb = tokenArb.filter((n) => !SPECIAL.has(n.toLowerCase())).chain(randomCase);
/** Field-value characters: visible ASCII, obs-text, and SP/HTAB inside (never at the ends, OWS is added apart). */
const valueChar = fc.oneof(
  fc.integer({ min: 0x21, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0xff }),
  fc.constantFrom(0x20, 0x09),
);
export const valueArb = fc
  .array(valueChar, { maxLength: 20 })
  .map((codes) => String.fromCharCode(...codes).replace(/^[ \t]+|[ \t]+$/g, ""));
export const owsArb = fc.constantFrom("", " ", "\t", "  ", " \t");

export interface Field {
  readonly name: string;
  readonly value: string;
  readonly before: string;
  readonly after: string;
}
export const fieldArb = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.record({ name, value, before: owsArb, after: owsArb });

type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };
const framingArb: fc.Arbitrary<Framing> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.integer({ min: 0, max: 1e12 }).map((length) => ({ kind: "length" as const, length })),
  fc.constant({ kind: "chunked" as const }),
);

export interface Generated {
  readonly method: string;
  readonly target: string;
  readonly fields: readonly Field[];
  readonly framing: Framing;
  readonly close: boolean;
}

export const generatedArb: fc.Arbitrary<Generated> = fc
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

export function serialise(g: Generated, version = "HTTP/1.1"): string {
  const lines = g.fields.map((f) => `${f.name}:${f.before}${f.value}${f.after}\r\n`).join("");
  return `${g.method} ${g.target} ${version}\r\n${lines}\r\n`;
}

/** Parses head text as the listener does, from its latin1 bytes. */
export const parse = (head: string): RequestParse => {
  const bytes = Buffer.from(head, "latin1");
  return parseRequestHead(bytes, bytes.length);
};

export function parsed(head: string): RequestHead {
  const result = parse(head);
  if (result === "other") throw new Error(`refused: ${JSON.stringify(head)}`);
  return result;
}

/** The fields of a parsed head, flat: lowercase name, value, ... in order. */
export function fieldsOf(head: RequestHead): string[] {
  const out: string[] = [];
  for (let i = 0; i < head.spans.length; i += SPAN) {
    const s = (k: number) => head.spans[i + k]!;
    out.push(
      head.bytes.toString("latin1", s(NAME_START), s(COLON)).toLowerCase(),
      head.bytes.toString("latin1", s(VALUE_START), s(VALUE_END)),
    );
  }
  return out;
}
