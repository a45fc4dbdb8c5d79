import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duration, Effect, Schedule, type Scope, Stream } from "effect";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { KubeClient } from "../../../src/kube/client";
import { makeInformer } from "../../../src/kube/informer";
import { refs } from "../../../src/kube/resources";
import type { CacheEvent } from "../../../src/kube/store";
import { type WatcherOptions, watcher } from "../../../src/kube/watcher";
import {
  connectionTo,
  eventuallyEffect,
  type FaultyProxy,
  runWith,
  startProxy,
  startServer,
} from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

// Quick reconnects and a short watchdog; bookmarks every 200 ms (support.ts) keep healthy watches talking.
const fast: WatcherOptions = {
  namespace: "default",
  reconnect: Schedule.spaced("50 millis"),
  idleTimeout: "1500 millis",
  watchTimeoutSeconds: [300, 300],
};

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});
const serverFor = async (options: Parameters<typeof startServer>[0] = {}) => {
  const s = await startServer(options);
  cleanups.push(() => s.stop());
  return s;
};
/** Runs `program` with its KubeClient reaching a fresh server through a proxy the program can take down or mute. */
const behindProxy = async <A, E>(
  serverOptions: Parameters<typeof startServer>[0],
  program: (server: ApiServerHandle, proxy: FaultyProxy) => Effect.Effect<A, E, KubeClient | Scope.Scope>,
) => {
  const server = await serverFor(serverOptions);
  const proxy = startProxy(server.url);
  cleanups.push(() => proxy.stop());
  return runWith({ url: proxy.url, token: server.token }, program(server, proxy));
};
const names = (objs: ReadonlyArray<{ metadata?: { name?: string } }>) =>
  objs.map((o) => o.metadata?.name).sort();
const create = (name: string) =>
  Effect.flatMap(KubeClient, (c) => c.create(refs.configMap, { metadata: { name, namespace: "default" } }));
const syncedInformer = Effect.tap(makeInformer(refs.configMap, fast), (informer) => informer.waitForSync);

test("a broken stream resumes from the last version seen, without relisting", async () => {
  await behindProxy({}, (server, proxy) =>
    Effect.gen(function* () {
      const informer = yield* syncedInformer;
      yield* create("one");
      yield* eventuallyEffect(() => expect(informer.get("one", "default")).toBeDefined());
      const listsBefore = proxy.lists();
      const watchesBefore = proxy.watches.length;
      proxy.setDown(true);
      // While the watcher cannot reach the server, a change happens.
      yield* runWithDirect(server, create("two"));
      proxy.setDown(false);
      yield* eventuallyEffect(() => expect(informer.get("two", "default")).toBeDefined());
      expect(proxy.lists()).toBe(listsBefore);
      const resumedFrom = proxy.watches.slice(watchesBefore).filter((rv) => rv !== "");
      expect(resumedFrom.length).toBeGreaterThan(0);
      expect(
        resumedFrom.every(
          (rv) => Number(rv) >= Number(informer.get("one", "default")?.metadata?.resourceVersion),
        ),
      ).toBe(true);
    }),
  );
}, 30_000);

test("after a gap longer than the server's watch window it relists, and sees deletions from the gap", async () => {
  await behindProxy({ watchWindow: 5 }, (server, proxy) =>
    Effect.gen(function* () {
      yield* runWithDirect(server, create("doomed"));
      const informer = yield* makeInformer(refs.configMap, fast);
      const changes: CacheEvent[] = [];
      yield* informer.changes.pipe(
        Stream.runForEach((e) => Effect.sync(() => changes.push(e))),
        Effect.forkScoped,
      );
      yield* informer.waitForSync;
      expect(names(informer.list())).toEqual(["doomed"]);
      const listsBefore = proxy.lists();

      proxy.setDown(true);
      yield* runWithDirect(
        server,
        Effect.gen(function* () {
          const c = yield* KubeClient;
          yield* c.delete(refs.configMap, "doomed");
          for (let i = 0; i < 12; i++) yield* create(`gap-${i}`);
        }),
      );
      proxy.setDown(false);

      yield* eventuallyEffect(() => {
        expect(informer.get("doomed", "default")).toBeUndefined();
        expect(informer.list().length).toBe(12);
      });
      expect(proxy.lists()).toBeGreaterThan(listsBefore); // relisted after 410
      expect(changes.some((e) => e._tag === "Deleted" && e.object.metadata?.name === "doomed")).toBe(true);
      expect(changes.filter((e) => e._tag === "Synced").length).toBeGreaterThanOrEqual(1);
    }),
  );
}, 30_000);

test("a stream that goes silent without closing is noticed and restarted", async () => {
  await behindProxy({}, (server, proxy) =>
    Effect.gen(function* () {
      const informer = yield* syncedInformer;
      yield* eventuallyEffect(() => expect(proxy.watches.length).toBe(1));
      proxy.muteOpenStreams();
      yield* runWithDirect(server, create("during-silence"));
      // Only a new watch (the watchdog's doing) can deliver it: the old one stays open and mute for 300 s.
      yield* eventuallyEffect(() => expect(informer.get("during-silence", "default")).toBeDefined());
      expect(proxy.watches.length).toBeGreaterThan(1);
    }),
  );
}, 30_000);

/** A server on a storage file of its own, which a test stops and starts again on the same port and file. */
const restartableServer = async () => {
  const dir = await mkdtemp(join(tmpdir(), "kube-restart-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const storage = join(dir, "state.db");
  let server = await startServer({ storage });
  const port = Number(new URL(server.url).port);
  cleanups.push(() => server.stop());
  return {
    connection: connectionTo(server),
    stop: Effect.promise(() => server.stop()),
    start: Effect.promise(async () => {
      server = await startServer({ storage, port, token: server.token });
    }),
  };
};

test("the watcher survives an API server restart on the same storage file", async () => {
  const server = await restartableServer();
  await runWith(
    server.connection,
    Effect.gen(function* () {
      const informer = yield* syncedInformer;
      yield* create("before-restart");
      yield* eventuallyEffect(() => expect(informer.get("before-restart", "default")).toBeDefined());
      yield* server.stop;
      yield* server.start;
      yield* create("after-restart");
      yield* eventuallyEffect(() =>
        expect(names(informer.list())).toEqual(["after-restart", "before-restart"]),
      );
    }),
  );
}, 30_000);

test("periodic relists deliver fresh snapshots", async () => {
  const server = await serverFor();
  await runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const synced = yield* watcher(refs.configMap, { ...fast, relistInterval: "300 millis" }).pipe(
        Stream.filter((e) => e._tag === "Synced"),
        Stream.take(3),
        Stream.runCount,
      );
      expect(synced).toBe(3);
    }),
  );
}, 30_000);

const runWithDirect = <A, E>(server: ApiServerHandle, program: Effect.Effect<A, E, KubeClient>) =>
  Effect.promise(() => runWith(connectionTo(server), program));

test("a watch that worked and then broke backs off from the first step, not where the last outage left off", async () => {
  const server = await restartableServer();
  // The reconnect delays the watcher asks its schedule for, in order (the schedule's steps, not timings).
  const delays: number[] = [];
  const reconnect = Schedule.exponential("10 millis").pipe(
    Schedule.tapOutput((d) => Effect.sync(() => delays.push(Duration.toMillis(d)))),
  );
  await runWith(
    server.connection,
    Effect.gen(function* () {
      const informer = yield* Effect.tap(
        makeInformer(refs.configMap, { ...fast, reconnect }),
        (i) => i.waitForSync,
      );
      // A first outage long enough for the backoff to climb.
      yield* server.stop;
      yield* eventuallyEffect(() => expect(delays.length).toBeGreaterThanOrEqual(5));
      yield* server.start;
      yield* create("between-outages");
      yield* eventuallyEffect(() => expect(informer.get("between-outages", "default")).toBeDefined());
      // The watch works again; when the next outage breaks it, the backoff starts over.
      const firstOfNextOutage = delays.length;
      yield* server.stop;
      yield* eventuallyEffect(() => expect(delays.length).toBeGreaterThan(firstOfNextOutage));
      expect(delays[firstOfNextOutage]).toBe(delays[0]!);
      yield* server.start;
      yield* create("after-outages");
      yield* eventuallyEffect(() => expect(informer.get("after-outages", "default")).toBeDefined());
    }),
  );
}, 30_000);
