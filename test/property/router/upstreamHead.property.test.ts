// The upstream head the listener writes from a parsed request: the client's forwardable lines byte for byte,
// nothing the header rules exclude (hop-by-hop, the router's own, Authorization, inbound X-Forwarded-*, names
// listed in Connection), Host and X-Forwarded-* set by the router; and the same fields, in the same order, as
// the hand-off path's string serialiser writes from a Headers-like field list.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { connectionTokens, forwardsRequestHeader, REQUEST_EXCLUDED } from "../../../src/router/headers";
import { type BodyFraming, requestHead, UpstreamHeadWriter } from "../../../src/router/http1/requestHead";
import {
  type Field,
  fieldArb,
  fieldsOf,
  type Generated,
  generatedArb,
  parsed,
  randomCase,
  serialise,
  valueArb,
} from "../../support/requestHeads";

/** Excluded names the parser accepts (Upgrade goes to Bun's server; Host and framing come from the generator). */
const droppable = REQUEST_EXCLUDED.names.filter(
  (n) => !["host", "upgrade", "transfer-encoding", "connection"].includes(n),
);

const withDroppedArb: fc.Arbitrary<Generated> = fc
  .tuple(
    generatedArb,
    fc.array(fieldArb(fc.constantFrom(...droppable).chain(randomCase), valueArb), { maxLength: 5 }),
    fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    fieldArb(randomCase("x-hop"), valueArb),
  )
  .map(([g, dropped, at, hop]) => {
    const fields: Field[] = [...g.fields];
    [...dropped, hop].forEach((f, i) => {
      fields.splice(at[i]! % (fields.length + 1), 0, f);
    });
    return { ...g, fields };
  });

const framingOf = (g: Generated): BodyFraming =>
  g.framing.kind === "length" && g.framing.length > 0
    ? "length"
    : g.framing.kind === "chunked"
      ? "chunked"
      : "none";
const fwd = { clientIp: "10.1.2.3", proto: "http" } as const;
const HOST_PORT = "10.0.0.7:8888";

test("forwarded lines are the client's bytes; excluded and Connection-named fields are gone", () => {
  const writer = new UpstreamHeadWriter();
  fc.assert(
    fc.property(withDroppedArb, (g) => {
      const text = serialise(g);
      const head = parsed(text);
      const length = writer.write(head, HOST_PORT, fwd, framingOf(g));
      const out = writer.buffer.toString("latin1", 0, length);
      const named = connectionTokens(head.connection);
      const forwarded = g.fields.filter(
        (f) =>
          forwardsRequestHeader(f.name.toLowerCase(), named) &&
          !(framingOf(g) === "chunked" && f.name.toLowerCase() === "content-length"),
      );
      const lines = forwarded.map((f) => `${f.name}:${f.before}${f.value}${f.after}\r\n`).join("");
      const host = g.fields.find((f) => f.name.toLowerCase() === "host")!.value;
      expect(out).toBe(
        `${g.method} ${g.target} HTTP/1.1\r\nhost: ${HOST_PORT}\r\n${lines}` +
          `x-forwarded-for: ${fwd.clientIp}\r\nx-forwarded-host: ${host}\r\nx-forwarded-proto: http\r\n` +
          `${framingOf(g) === "chunked" ? "transfer-encoding: chunked\r\n" : ""}\r\n`,
      );
    }),
    { numRuns: 500 },
  );
});

test("the same fields in the same order as the hand-off path's serialiser", () => {
  const writer = new UpstreamHeadWriter();
  fc.assert(
    fc.property(withDroppedArb, (g) => {
      const head = parsed(serialise(g));
      const framing = framingOf(g);
      const length = writer.write(head, HOST_PORT, fwd, framing);
      const fromBytes = parsed(writer.buffer.toString("latin1", 0, length));
      const fromFields = parsed(requestHead(g.method, g.target, HOST_PORT, fieldsOf(head), fwd, framing));
      expect(fieldsOf(fromBytes)).toEqual(fieldsOf(fromFields));
    }),
    { numRuns: 300 },
  );
});

test("a head larger than the writer's buffer gets a buffer of its own", () => {
  const writer = new UpstreamHeadWriter();
  const big = "v".repeat(writer.buffer.length);
  const head = parsed(`GET /big HTTP/1.1\r\nHost: h\r\nX-Big: ${big}\r\n\r\n`);
  const length = writer.write(head, HOST_PORT, fwd, "none");
  expect(length).toBeGreaterThan(big.length);
  expect(writer.buffer.toString("latin1", 0, length)).toContain(`\r\nX-Big: ${big}\r\n`);
});
