import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Either } from "effect";
import fc from "fast-check";
import { ipToString, parseLoopbackCidr, usable } from "../../../src/node/cidr";
import { IpPool } from "../../../src/node/ip-pool";

const dirs: string[] = [];
const leaseDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ip-leases-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("parseLoopbackCidr", () => {
  test("accepts loopback ranges and rejects others", () => {
    expect(parseLoopbackCidr("127.1.0.0/16")).toEqual(
      Either.right({ first: (127 << 24) + (1 << 16), size: 65536 }),
    );
    expect(Either.isLeft(parseLoopbackCidr("10.0.0.0/8"))).toBe(true);
    expect(Either.isLeft(parseLoopbackCidr("127.0.0.0/31"))).toBe(true);
    expect(Either.isLeft(parseLoopbackCidr("127.1.0.0"))).toBe(true);
    expect(Either.isLeft(parseLoopbackCidr("127.300.0.0/16"))).toBe(true);
  });

  test("usable addresses stay inside the range and avoid .0, .255 and 127.0.0.1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 8, max: 30 }),
        fc.nat(),
        (b, len, pick) => {
          const range = Either.getOrThrow(parseLoopbackCidr(`127.${b}.0.0/${len}`));
          const n = pick % range.size;
          if (!usable(range, n)) return;
          const ip = ipToString(range.first + n);
          expect(ip.startsWith("127.")).toBe(true);
          expect(ip).not.toBe("127.0.0.1");
          expect(ip.endsWith(".0") || ip.endsWith(".255")).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("IpPool", () => {
  const range = Either.getOrThrow(parseLoopbackCidr("127.77.0.0/29"));

  test("gives distinct addresses, the same one to the same owner, and reuses released ones", () => {
    const pool = new IpPool(range, leaseDir());
    const a = pool.allocate("a");
    const b = pool.allocate("b");
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
    expect(pool.allocate("a")).toBe(a);
    pool.release("a");
    expect(pool.allocate("c", a)).toBe(a);
  });

  test("runs out cleanly and never hands out an address twice", () => {
    const pool = new IpPool(range, leaseDir());
    const got = Array.from({ length: 10 }, (_, i) => pool.allocate(`p${i}`));
    const given = got.filter((ip): ip is string => ip !== undefined);
    expect(given.length).toBe(6); // /29: 8 addresses minus network and broadcast
    expect(new Set(given).size).toBe(given.length);
  });

  test("two pools sharing a lease directory never collide; a dead owner's lease is taken over", () => {
    const dir = leaseDir();
    const first = new IpPool(range, dir);
    const second = new IpPool(range, dir);
    const mine = Array.from({ length: 3 }, (_, i) => first.allocate(`x${i}`));
    const theirs = Array.from({ length: 3 }, (_, i) => second.allocate(`y${i}`));
    expect(new Set([...mine, ...theirs]).size).toBe(6);
    expect(second.allocate("z")).toBeUndefined();
    first.releaseAll();
    writeFileSync(join(dir, mine[0]!), "999999999");
    expect(second.allocate("z", mine[0])).toBe(mine[0]);
  });
});
