import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { Chunk, Effect, Fiber, Stream } from "effect";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { runController } from "../../../src/kube/applier";
import { KubeClient } from "../../../src/kube/client";
import { makeInformer } from "../../../src/kube/informer";
import { objectKey } from "../../../src/kube/object";
import { refs } from "../../../src/kube/resources";
import { makeWorkQueue } from "../../../src/kube/workqueue";
import { connectionTo, eventuallyEffect, runWith, startProxy, startServer } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

let server: ApiServerHandle;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const names = (objs: ReadonlyArray<{ metadata?: { name?: string } }>) =>
  objs.map((o) => o.metadata?.name).sort();

test("the informer mirrors the server, indexes labels and replays its cache to late subscribers", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const c = yield* KubeClient;
      yield* c.create(refs.namespace, { metadata: { name: "inf" } });
      yield* c.create(refs.configMap, {
        metadata: { name: "before", namespace: "inf", labels: { app: "web" } },
      });
      const informer = yield* makeInformer(refs.configMap, { namespace: "inf" });
      yield* informer.waitForSync;
      expect(informer.hasSynced()).toBe(true);
      expect(names(informer.list())).toEqual(["before"]);

      yield* c.create(refs.configMap, {
        metadata: { name: "a", namespace: "inf", labels: { app: "web", tier: "1" } },
      });
      yield* c.create(refs.configMap, { metadata: { name: "b", namespace: "inf", labels: { app: "db" } } });
      yield* eventuallyEffect(() => expect(names(informer.byLabel("app", "web"))).toEqual(["a", "before"]));
      expect(names(informer.list("inf", [{ key: "tier", op: "exists" }]))).toEqual(["a"]);
      expect(informer.list("other")).toEqual([]);

      yield* c.patch(
        refs.configMap,
        "a",
        { type: "merge", body: { metadata: { labels: { app: "db" } } } },
        { namespace: "inf" },
      );
      yield* eventuallyEffect(() => expect(names(informer.byLabel("app", "db"))).toEqual(["a", "b"]));
      expect(names(informer.byLabel("app", "web"))).toEqual(["before"]);

      yield* c.delete(refs.configMap, "b", { namespace: "inf" });
      yield* eventuallyEffect(() => expect(informer.get("b", "inf")).toBeUndefined());
      expect(informer.getByKey("inf/a")?.metadata?.labels?.app).toBe("db");

      // A late subscriber first gets the cache as Added, then live changes.
      const seen = yield* informer.stream.pipe(
        Stream.filter((e) => e._tag !== "Synced"),
        Stream.take(3),
        Stream.runCollect,
        Effect.fork,
      );
      yield* c.create(refs.configMap, { metadata: { name: "late", namespace: "inf" } });
      const events = Chunk.toArray(yield* Fiber.join(seen));
      expect(events.slice(0, 2).map((e) => e._tag)).toEqual(["Added", "Added"]);
      const last = events[2];
      expect(last?._tag === "Added" && last.object.metadata?.name).toBe("late");

      // A handler gets the same: the cache as Added, then live changes, until its scope closes.
      const handled: string[] = [];
      const record = (changes: ReadonlyArray<{ _tag: string; object?: { metadata?: { name?: string } } }>) =>
        Effect.sync(() => {
          for (const e of changes)
            if (e._tag !== "Synced") handled.push(`${e._tag} ${e.object?.metadata?.name}`);
        });
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* informer.handle(record);
          expect([...handled].sort()).toEqual(["Added a", "Added before", "Added late"]);
          yield* c.create(refs.configMap, { metadata: { name: "handled", namespace: "inf" } });
          yield* eventuallyEffect(() => expect(handled).toContain("Added handled"));
        }),
      );
      yield* c.delete(refs.configMap, "handled", { namespace: "inf" });
      yield* eventuallyEffect(() => expect(informer.get("handled", "inf")).toBeUndefined());
      expect(handled.some((e) => e.startsWith("Deleted"))).toBe(false);
    }),
  ));

test("a work queue fed by an informer reconciles every object, bounded and deduplicated", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const c = yield* KubeClient;
      yield* c.create(refs.namespace, { metadata: { name: "queue" } });
      const informer = yield* makeInformer(refs.configMap, { namespace: "queue" });
      const queue = yield* makeWorkQueue();
      yield* informer.stream.pipe(
        Stream.runForEach((e) => (e._tag === "Synced" ? Effect.void : queue.add(objectKey(e.object)))),
        Effect.forkScoped,
      );
      const reconciled = new Set<string>();
      let running = 0;
      let maxRunning = 0;
      const markSeen = (key: string) =>
        Effect.gen(function* () {
          const obj = informer.getByKey(key);
          // A real reconcile writes back through the API; its own update then comes back as an event.
          if (obj && obj.metadata?.annotations?.seen !== "yes") {
            yield* c.patch(
              refs.configMap,
              obj.metadata?.name ?? "",
              { type: "merge", body: { metadata: { annotations: { seen: "yes" } } } },
              { namespace: "queue" },
            );
          }
          reconciled.add(key);
          return undefined;
        });
      const reconcile = (key: string) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            running++;
            maxRunning = Math.max(maxRunning, running);
          }),
          () => markSeen(key),
          () => Effect.sync(() => running--),
        );
      yield* runController(queue, reconcile, { concurrency: 4, name: "configmaps" }).pipe(Effect.forkScoped);
      for (let i = 0; i < 20; i++)
        yield* c.create(refs.configMap, { metadata: { name: `q${i}`, namespace: "queue" } });
      yield* eventuallyEffect(() => {
        const all = informer.list("queue");
        expect(all.length).toBe(20);
        expect(all.every((o) => o.metadata?.annotations?.seen === "yes")).toBe(true);
      });
      expect(reconciled.size).toBe(20);
      expect(maxRunning).toBeLessThanOrEqual(4);
      yield* queue.shutdown;
    }),
  ));

test("a restarted controller rebuilds its work from the cache alone, without asking the server", () => {
  const proxy = startProxy(server.url);
  return runWith(
    { url: proxy.url, token: server.token },
    Effect.gen(function* () {
      const c = yield* KubeClient;
      yield* c.create(refs.namespace, { metadata: { name: "restart" } });
      for (let i = 0; i < 5; i++)
        yield* c.create(refs.configMap, { metadata: { name: `r${i}`, namespace: "restart" } });
      const informer = yield* makeInformer(refs.configMap, { namespace: "restart" });
      yield* informer.waitForSync;

      // One controller "generation": a queue fed from the informer's replaying stream, and its workers.
      const generation = (seen: Set<string>) =>
        Effect.gen(function* () {
          const queue = yield* makeWorkQueue();
          yield* informer.stream.pipe(
            Stream.runForEach((e) => (e._tag === "Synced" ? Effect.void : queue.add(objectKey(e.object)))),
            Effect.forkScoped,
          );
          const reconcile = (key: string) =>
            Effect.sync(() => {
              if (informer.getByKey(key)) seen.add(key);
              return undefined;
            });
          yield* runController(queue, reconcile, { concurrency: 2, name: "restart" }).pipe(Effect.forkScoped);
          yield* eventuallyEffect(() => expect(seen.size).toBe(5));
        }).pipe(Effect.scoped);

      yield* generation(new Set());
      const listsBefore = proxy.lists();
      const second = new Set<string>();
      yield* generation(second); // the first generation's scope is closed: a fresh start
      expect([...second].sort()).toEqual([
        "restart/r0",
        "restart/r1",
        "restart/r2",
        "restart/r3",
        "restart/r4",
      ]);
      expect(proxy.lists()).toBe(listsBefore);
    }),
  ).finally(() => proxy.stop());
});
