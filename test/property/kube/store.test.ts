import { expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { type KubeObject, objectKey } from "../../../src/kube/object";
import { type CacheEvent, Store } from "../../../src/kube/store";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

// The API server's truth for a handful of objects; each mutation is either watched or missed (a gap).
type Op =
  | { kind: "put"; ns: string; name: string; app: string; tier: string; watched: boolean }
  | { kind: "delete"; pick: number; watched: boolean }
  | { kind: "relist" };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("put" as const),
    ns: fc.constantFrom("a", "b"),
    name: fc.constantFrom("x", "y", "z"),
    app: fc.constantFrom("web", "db"),
    tier: fc.constantFrom("front", "back"),
    watched: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat(), watched: fc.boolean() }),
  fc.record({ kind: fc.constant("relist" as const) }),
);

const sortByKey = (objs: ReadonlyArray<KubeObject>) =>
  [...objs].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));

/** Applying cache events to a plain map must reproduce the cache: what controllers rely on. */
const replay = (view: Map<string, KubeObject>, events: CacheEvent[]) => {
  for (const e of events) {
    if (e._tag === "Added" || e._tag === "Updated") view.set(objectKey(e.object), e.object);
    else if (e._tag === "Deleted") view.delete(objectKey(e.object));
  }
};

test("the cache converges to the server's state after a relist, and its events describe every change", () => {
  fc.assert(
    // Every label indexed, or only `app` (as the controller indexes only the keys it looks up).
    fc.property(fc.array(op, { maxLength: 60 }), fc.boolean(), (ops, appOnly) => {
      const truth = new Map<string, KubeObject>();
      const store = new Store<KubeObject>(appOnly ? ["app"] : undefined);
      const view = new Map<string, KubeObject>();
      let rv = 0;
      let inSync = true; // no event missed since the last relist
      const relist = () => {
        replay(
          view,
          store.apply({ _tag: "Synced", objects: [...truth.values()], resourceVersion: String(rv) }),
        );
        inSync = true;
      };
      relist();
      for (const o of ops) {
        if (o.kind === "relist") relist();
        else if (o.kind === "put") {
          const key = `${o.ns}/${o.name}`;
          const existed = truth.has(key);
          const obj = {
            metadata: {
              namespace: o.ns,
              name: o.name,
              resourceVersion: String(++rv),
              labels: { app: o.app, tier: o.tier },
            },
          };
          truth.set(key, obj);
          if (o.watched) replay(view, store.apply({ _tag: existed ? "Modified" : "Added", object: obj }));
          else inSync = false;
        } else {
          const keys = [...truth.keys()].sort();
          const key = keys[o.pick % Math.max(1, keys.length)];
          if (key === undefined) continue;
          const obj = truth.get(key)!;
          truth.delete(key);
          rv++;
          if (o.watched) replay(view, store.apply({ _tag: "Deleted", object: obj }));
          else inSync = false;
        }
        if (inSync) expect(sortByKey(store.list())).toEqual(sortByKey([...truth.values()]));
        // The label index (or the scan standing in for it) agrees with a plain scan, in every state.
        for (const tier of ["front", "back"]) {
          const scanned = store.list().filter((x) => x.metadata?.labels?.tier === tier);
          expect(sortByKey(store.byLabel("tier", tier))).toEqual(sortByKey(scanned));
        }
        for (const app of ["web", "db"]) {
          const scanned = store.list().filter((x) => x.metadata?.labels?.app === app);
          expect(sortByKey(store.byLabel("app", app))).toEqual(sortByKey(scanned));
          expect(sortByKey(store.list("a", [{ key: "app", op: "=", value: app }]))).toEqual(
            sortByKey(scanned.filter((x) => x.metadata?.namespace === "a")),
          );
          expect(sortByKey(store.byLabel("app", app, "a"))).toEqual(
            sortByKey(scanned.filter((x) => x.metadata?.namespace === "a")),
          );
        }
        expect(sortByKey([...view.values()])).toEqual(sortByKey(store.list()));
      }
      relist();
      expect(sortByKey(store.list())).toEqual(sortByKey([...truth.values()]));
      expect(store.hasSynced()).toBe(true);
    }),
    { numRuns: 300 },
  );
});

test("a relist reports no change for objects whose resourceVersion did not move", () => {
  const store = new Store<KubeObject>();
  const obj = { metadata: { namespace: "n", name: "a", resourceVersion: "5" } };
  expect(store.apply({ _tag: "Synced", objects: [obj], resourceVersion: "5" }).map((e) => e._tag)).toEqual([
    "Added",
    "Synced",
  ]);
  expect(store.apply({ _tag: "Synced", objects: [obj], resourceVersion: "6" }).map((e) => e._tag)).toEqual([
    "Synced",
  ]);
  expect(store.apply({ _tag: "Synced", objects: [], resourceVersion: "7" }).map((e) => e._tag)).toEqual([
    "Deleted",
    "Synced",
  ]);
});

test("only the configured labels are indexed, others still answer through a scan", () => {
  const store = new Store<KubeObject>(["app"]);
  store.apply({
    _tag: "Added",
    object: { metadata: { name: "a", namespace: "n", labels: { app: "x", tier: "t" } } },
  });
  expect(store.byLabel("app", "x").length).toBe(1);
  expect(store.byLabel("tier", "t").length).toBe(1);
  expect(store.byLabel("tier", "u").length).toBe(0);
});
