// Event expiry (kube-apiserver's --event-ttl): Events last written longer ago than the TTL are deleted, both
// API versions, nothing else. A soak found one Event per claim staying in the store forever without it.
import { expect, test } from "bun:test";
import { Conversions } from "../../../src/apiserver/conversion";
import { Engine } from "../../../src/apiserver/engine";
import { expireEvents, lastWritten } from "../../../src/apiserver/event-ttl";
import { Registry } from "../../../src/apiserver/resources/registry";
import { type KObject, resourceId } from "../../../src/apiserver/resources/types";
import { SANDBOX_CONVERTERS } from "../../../src/apiserver/sandbox-conversion";
import { Store } from "../../../src/apiserver/storage/store";
import { WatchHub } from "../../../src/apiserver/watch/hub";

const HOUR = 3_600_000;

const setup = () => {
  const store = new Store(":memory:");
  const registry = new Registry();
  const engine = new Engine(store, new WatchHub(), registry, new Conversions(SANDBOX_CONVERTERS));
  const defs = registry.byId();
  const target = (rid: string, version: string) => ({ def: defs.get(rid)!, version, namespace: "default" });
  const names = (rid: string) => store.list(rid).map((o) => o.metadata?.name);
  engine.create(
    { def: defs.get("namespaces")!, version: "v1", namespace: "" },
    { metadata: { name: "default" } },
  );
  return { store, engine, defs, target, names };
};

test("Events older than the TTL go, later-written ones and other kinds stay", () => {
  const { store, engine, defs, target, names } = setup();
  const start = Date.now();
  const later = new Date(start + 2 * HOUR).toISOString();
  const core = target("events", "v1");
  const involved = { kind: "Pod", name: "p", namespace: "default" };
  engine.create(core, { metadata: { name: "old" }, involvedObject: involved, reason: "R" });
  engine.create(core, {
    metadata: { name: "bumped" },
    involvedObject: involved,
    reason: "R",
    lastTimestamp: later,
  });
  const modern = target("events.events.k8s.io", "v1");
  engine.create(modern, {
    metadata: { name: "old-v1" },
    eventTime: new Date(start).toISOString(),
    reportingController: "c",
    reportingInstance: "i",
    action: "A",
    reason: "R",
    regarding: involved,
  });
  engine.create(modern, {
    metadata: { name: "series-v1" },
    eventTime: new Date(start).toISOString(),
    series: { count: 2, lastObservedTime: later },
    reportingController: "c",
    reportingInstance: "i",
    action: "A",
    reason: "R",
    regarding: involved,
  });
  engine.create(target("configmaps", "v1"), { metadata: { name: "cm" } });

  // Nothing is older than the TTL yet.
  expect(expireEvents(engine, defs, start + HOUR / 2, HOUR)).toBe(0);
  expect(expireEvents(engine, defs, start + HOUR + 60_000, HOUR)).toBe(2);
  expect(names("events")).toEqual(["bumped"]);
  expect(names("events.events.k8s.io")).toEqual(["series-v1"]);
  expect(names("configmaps")).toEqual(["cm"]);
  expect(expireEvents(engine, defs, start + 3 * HOUR + 60_000, HOUR)).toBe(2);
  expect(names("events")).toEqual([]);
  expect(names("events.events.k8s.io")).toEqual([]);
  expect(store.list(resourceId(defs.get("configmaps")!))).toHaveLength(1);
  store.close();
});

test("lastWritten takes the newest timestamp an Event carries, and creation when it has none", () => {
  const created = "2026-01-01T00:00:00Z";
  const event = (fields: Partial<KObject>): KObject => ({
    metadata: { creationTimestamp: created },
    ...fields,
  });
  expect(lastWritten(event({}))).toBe(Date.parse(created));
  expect(lastWritten(event({ lastTimestamp: "2026-01-01T01:00:00Z" }))).toBe(
    Date.parse("2026-01-01T01:00:00Z"),
  );
  expect(lastWritten(event({ eventTime: "2026-01-01T00:30:00.000000Z", lastTimestamp: null }))).toBe(
    Date.parse("2026-01-01T00:30:00Z"),
  );
  expect(lastWritten(event({ lastTimestamp: "not a time" }))).toBe(Date.parse(created));
});
