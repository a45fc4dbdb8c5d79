// Read-your-writes gate for reconcile keys, against a hand-made cache view.
import { expect, test } from "bun:test";
import type { ChildKind } from "../../../src/controller/common/actions";
import type { CacheView } from "../../../src/controller/common/view";
import { FRESHNESS_TIMEOUT_MS, WriteGate, type WrittenVersion } from "../../../src/controller/freshness";

const cache = new Map<string, string>();
const view = {
  get: (kind: ChildKind, namespace: string, name: string) => {
    const rv = cache.get(`${kind}/${namespace}/${name}`);
    return rv === undefined ? undefined : { metadata: { name, namespace, resourceVersion: rv } };
  },
  list: () => [],
} as unknown as CacheView;

const write = (kind: ChildKind, name: string, rv: string, created = false): WrittenVersion => ({
  kind,
  namespace: "ns",
  name,
  resourceVersion: rv,
  created,
});

test("a key waits until the cache shows every object it wrote at the written version or later", () => {
  cache.clear();
  cache.set("SandboxClaim/ns/c", "10");
  cache.set("Sandbox/ns/s", "7");
  const gate = new WriteGate();
  expect(gate.wait("claim/ns/c", view, 0)).toBe(0);
  gate.record("claim/ns/c", [write("SandboxClaim", "c", "11"), write("Sandbox", "s", "12")], 0);
  expect(gate.wait("claim/ns/c", view, 100)).toBe(FRESHNESS_TIMEOUT_MS - 100);
  cache.set("SandboxClaim/ns/c", "11");
  expect(gate.wait("claim/ns/c", view, 100)).toBeGreaterThan(0);
  // Numeric, not string, order: "13" is after "12" though "13" < "9" as text; a later write by others counts.
  cache.set("Sandbox/ns/s", "13");
  expect(gate.wait("claim/ns/c", view, 100)).toBe(0);
  expect(gate.size).toBe(0);
});

test("a patched object gone from the cache opens the gate; a created one not seen yet keeps it closed", () => {
  cache.clear();
  const gate = new WriteGate();
  gate.record("k", [write("Sandbox", "patched", "5")], 0);
  expect(gate.wait("k", view, 1)).toBe(0);
  gate.record("k", [write("Sandbox", "new", "6", true)], 0);
  expect(gate.wait("k", view, 1)).toBeGreaterThan(0);
  cache.set("Sandbox/ns/new", "6");
  expect(gate.wait("k", view, 1)).toBe(0);
});

test("the timeout opens the gate; a pass without writes clears it; opaque versions are never waited on", () => {
  cache.clear();
  const gate = new WriteGate();
  gate.record("k", [write("Pod", "p", "9", true)], 0);
  expect(gate.wait("k", view, FRESHNESS_TIMEOUT_MS)).toBe(0);
  gate.record("k", [write("Pod", "p", "9", true)], 0);
  gate.record("k", [], 1);
  expect(gate.wait("k", view, 2)).toBe(0);
  gate.record("k", [write("Pod", "p", "abc", true)], 0);
  expect(gate.wait("k", view, 2)).toBe(0);
});
