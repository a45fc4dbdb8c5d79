import { expect, test } from "bun:test";
import { bearerToken, noAuth, staticTokenAuth, tokenReviewAuth } from "../../../src/router/auth";
import { LruTtlCache } from "../../../src/router/lruTtlCache";
import { TokenReviewError } from "../../../src/router/tokenReview";

const auth = (value?: string) => new Headers(value === undefined ? {} : { authorization: value });

test("bearerToken parses like upstream", () => {
  expect(bearerToken("Bearer abc")).toBe("abc");
  expect(bearerToken("bearer   abc")).toBe("abc");
  expect(bearerToken("Basic abc")).toBeUndefined();
  expect(bearerToken("Bearer a b")).toBeUndefined();
  expect(bearerToken("Bearer")).toBeUndefined();
  expect(bearerToken(null)).toBeUndefined();
});

test("static token: upstream's two 401 messages", () => {
  const a = staticTokenAuth("s3cret");
  expect(a.authenticate(auth("Bearer s3cret"))).toBeUndefined();
  expect(a.authenticate(auth())).toEqual({ status: 401, detail: "Missing or invalid Authorization header." });
  expect(a.authenticate(auth("Token s3cret"))).toEqual({
    status: 401,
    detail: "Missing or invalid Authorization header.",
  });
  expect(a.authenticate(auth("Bearer wrong"))).toEqual({ status: 401, detail: "Invalid token." });
  expect(a.authenticate(auth("Bearer s3cret-longer"))).toEqual({ status: 401, detail: "Invalid token." });
  expect(noAuth.authenticate(auth())).toBeUndefined();
});

test("tokenreview: decisions cached by TTL, API failures answered 500 and cached briefly", async () => {
  let now = 0;
  const calls: string[] = [];
  let failing = false;
  const a = tokenReviewAuth({
    client: {
      review: async (token) => {
        calls.push(token);
        if (failing) throw new TokenReviewError({ message: "down" });
        return token === "good";
      },
    },
    ttlMs: 30_000,
    now: () => now,
  });
  expect(await a.authenticate(auth("Bearer good"))).toBeUndefined();
  expect(await a.authenticate(auth("Bearer good"))).toBeUndefined();
  expect(await a.authenticate(auth("Bearer bad"))).toEqual({ status: 401, detail: "Invalid token." });
  expect(await a.authenticate(auth())).toEqual({
    status: 401,
    detail: "Missing or invalid Authorization header.",
  });
  expect(calls).toEqual(["good", "bad"]);
  now = 30_001;
  failing = true;
  expect(await a.authenticate(auth("Bearer good"))).toEqual({
    status: 500,
    detail: "An internal error occurred in the proxy.",
  });
  now += 5_000;
  expect(await a.authenticate(auth("Bearer good"))).toEqual({
    status: 500,
    detail: "An internal error occurred in the proxy.",
  });
  expect(calls).toEqual(["good", "bad", "good"]);
  failing = false;
  now += 10_000; // past the error TTL (a third of 30 s)
  expect(await a.authenticate(auth("Bearer good"))).toBeUndefined();
  expect(calls).toEqual(["good", "bad", "good", "good"]);
});

test("LruTtlCache evicts the least recently used entry and expires old ones", () => {
  const c = new LruTtlCache<number>(2);
  c.set("a", 1, 100, 0);
  c.set("b", 2, 100, 0);
  expect(c.get("a", 1)).toBe(1); // a is now most recent
  c.set("c", 3, 100, 1);
  expect(c.get("b", 2)).toBeUndefined();
  expect(c.get("a", 2)).toBe(1);
  expect(c.get("c", 101)).toBeUndefined();
  expect(c.size).toBe(1);
  expect(() => new LruTtlCache(0)).toThrow(RangeError);
});
