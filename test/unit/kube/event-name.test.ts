import { expect, test } from "bun:test";
import { eventName } from "../../../src/kube/event-recorder";

test("events written in the same millisecond get different names", () => {
  const millis = Date.UTC(2026, 10, 29, 3, 40);
  const names = new Set(Array.from({ length: 1000 }, (_, i) => eventName("sandbox-a", millis, i)));
  expect(names.size).toBe(1000);
});

test("the name is the object name and the hex of milliseconds x 1e6 plus the sequence", () => {
  expect(eventName("pod", 1, 2)).toBe(`pod.${(1_000_002).toString(16)}`);
  expect(eventName("pod", 1_795_924_341_055, 7)).toBe(`pod.${(1_795_924_341_055_000_007n).toString(16)}`);
});
