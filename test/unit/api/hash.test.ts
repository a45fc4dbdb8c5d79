import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { nameHash } from "../../../src/api";

describe("nameHash (FNV-1a 32-bit)", () => {
  test.each([
    ["", "811c9dc5"],
    ["a", "e40c292c"],
    ["foobar", "bf9cf968"],
    ["python-sandbox-template", "d274c066"], // cross-checked with a Python FNV-1a
  ])("%p -> %p", (input, expected) => {
    expect(nameHash(input)).toBe(expected);
  });

  test("hashes UTF-8 bytes, not UTF-16 code units", () => {
    // "é" is 0xc3 0xa9 in UTF-8; computed by hand from the FNV-1a definition.
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(nameHash("é")).toBe(h.toString(16).padStart(8, "0"));
  });

  test("any string, ASCII or not in any place, hashes as its UTF-8 bytes", () => {
    const reference = (text: string) => {
      let h = 0x811c9dc5;
      for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
      return h.toString(16).padStart(8, "0");
    };
    const text = fc.string({
      unit: fc.oneof(fc.constantFrom("a", "-", "0"), fc.constantFrom("é", "漢", "😀")),
    });
    fc.assert(
      fc.property(text, (t) => {
        expect(nameHash(t)).toBe(reference(t));
      }),
      { numRuns: 300 },
    );
  });

  test("always 8 lowercase hex characters", () => {
    for (const s of ["x", "sandbox-claim-1234abcd", "ab".repeat(200)]) {
      expect(nameHash(s)).toMatch(/^[0-9a-f]{8}$/);
    }
  });
});
