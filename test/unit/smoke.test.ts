import { expect, test } from "bun:test";
import { Effect } from "effect";

test("effect runs under bun", () => {
  expect(Effect.runSync(Effect.succeed(1 + 1))).toBe(2);
});
