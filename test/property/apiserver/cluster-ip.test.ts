// The ClusterIP allocator: never hands out a taken, network or broadcast address, stays in the range, and
// finds the free one wherever the random start lands.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { pickClusterIp } from "../../../src/apiserver/cluster-ip";

const inRange = (ip: string) => {
  const [a, b, c, d] = ip.split(".").map(Number);
  return (
    a === 127 &&
    b === 96 &&
    c! >= 0 &&
    c! <= 255 &&
    d! >= 0 &&
    d! <= 255 &&
    ip !== "127.96.0.0" &&
    ip !== "127.96.255.255"
  );
};

const address = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map(([c, d]) => `127.96.${c}.${d}`);

test("a picked address is in 127.96.0.0/16, usable and not taken", () => {
  fc.assert(
    fc.property(fc.uniqueArray(address, { maxLength: 300 }), fc.integer(), (taken, start) => {
      const ip = pickClusterIp(new Set(taken), start);
      expect(ip).toBeDefined();
      expect(inRange(ip!)).toBe(true);
      expect(taken).not.toContain(ip);
    }),
  );
});

test("with one address left, every start finds it; with none, there is none", () => {
  const all = new Set<string>();
  for (let c = 0; c < 256; c++) for (let d = 0; d < 256; d++) all.add(`127.96.${c}.${d}`);
  fc.assert(
    fc.property(address.filter(inRange), fc.integer(), (free, start) => {
      const taken = new Set(all);
      taken.delete(free);
      expect(pickClusterIp(taken, start)).toBe(free);
    }),
    { numRuns: 20 },
  );
  expect(pickClusterIp(all, 12345)).toBeUndefined();
});
