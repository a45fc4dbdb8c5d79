import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { Effect } from "effect";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { KubeClient } from "../../../src/kube/client";
import { type CoreEvent, makeEventRecorder } from "../../../src/kube/event-recorder";
import { refs, typedRef } from "../../../src/kube/resources";
import { connectionTo, runWith, startServer, startStatusServer } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

const eventRef = typedRef<CoreEvent>(refs.event);
let server: ApiServerHandle;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const eventsAbout = (name: string, namespace = "default") =>
  Effect.flatMap(KubeClient, (c) => c.list(eventRef, { namespace })).pipe(
    Effect.map((l) => l.items.filter((e) => e.involvedObject?.name === name)),
  );

test("events are written with their source and aggregated when repeated", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const c = yield* KubeClient;
      const cm = yield* c.create(refs.configMap, { metadata: { name: "evented", namespace: "default" } });
      const involved = { ...cm, apiVersion: "v1", kind: "ConfigMap" };
      const recorder = yield* makeEventRecorder({ component: "sandbox-controller", instance: "test-host" });
      yield* recorder.record(involved, "Normal", "Created", "made a pod");
      yield* recorder.flush;
      const [first, ...others] = yield* eventsAbout("evented");
      expect(others).toEqual([]);
      expect(first).toMatchObject({
        type: "Normal",
        reason: "Created",
        message: "made a pod",
        count: 1,
        involvedObject: {
          kind: "ConfigMap",
          name: "evented",
          namespace: "default",
          uid: cm.metadata?.uid ?? "",
        },
        source: { component: "sandbox-controller", host: "test-host" },
        reportingComponent: "sandbox-controller",
        reportingInstance: "test-host",
      });
      expect(first?.firstTimestamp).toBeTruthy();
      expect(first?.lastTimestamp).toBeTruthy();

      yield* recorder.record(involved, "Normal", "Created", "made a pod");
      yield* recorder.record(involved, "Normal", "Created", "made a pod");
      yield* recorder.record(involved, "Warning", "Failed", "pod crashed");
      yield* recorder.flush;
      const all = yield* eventsAbout("evented");
      expect(all.length).toBe(2);
      const repeated = all.find((e) => e.reason === "Created");
      expect(repeated?.metadata?.name).toBe(first?.metadata?.name ?? "");
      expect(repeated?.count).toBe(3);
      expect(all.find((e) => e.reason === "Failed")).toMatchObject({ type: "Warning", count: 1 });
    }),
  ));

test("an aggregated event deleted meanwhile is created afresh", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const c = yield* KubeClient;
      const recorder = yield* makeEventRecorder({ component: "test" });
      const involved = { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } };
      yield* recorder.record(involved, "Normal", "Checked", "ok");
      yield* recorder.flush;
      const [event] = yield* eventsAbout("kube-system");
      yield* c.delete(eventRef, event?.metadata?.name ?? "", { namespace: "default" });
      yield* recorder.record(involved, "Normal", "Checked", "ok");
      yield* recorder.flush;
      const again = yield* eventsAbout("kube-system");
      expect(again.length).toBe(1);
      expect(again[0]?.count).toBe(1);
    }),
  ));

test("recording never fails the caller, even when the API server refuses", async () => {
  const broken = startStatusServer(500, {
    kind: "Status",
    code: 500,
    reason: "InternalError",
    message: "nope",
  });
  try {
    await runWith(
      { url: broken.url },
      Effect.gen(function* () {
        const recorder = yield* makeEventRecorder({ component: "test", queueSize: 2 });
        for (let i = 0; i < 10; i++) {
          yield* recorder.record({ metadata: { name: "x", namespace: "default" } }, "Warning", "R", `m${i}`);
        }
        yield* recorder.flush;
      }),
    );
  } finally {
    await broken.stop();
  }
});

test("events wait while the caller's other work comes first, and go once it does not or they waited long enough", () =>
  runWith(
    connectionTo(server),
    Effect.gen(function* () {
      const involved = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "held", namespace: "default" },
      };
      let busy = true;
      const patient = yield* makeEventRecorder({
        component: "test",
        holdWhile: () => busy,
        maxHoldMs: 600_000,
      });
      yield* patient.record(involved, "Normal", "Held", "first");
      yield* Effect.sleep("300 millis");
      expect(yield* eventsAbout("held")).toEqual([]);
      busy = false;
      yield* patient.flush;
      expect((yield* eventsAbout("held")).map((e) => e.message)).toEqual(["first"]);

      // Never told to go: written once it has waited `maxHoldMs`.
      const bounded = yield* makeEventRecorder({ component: "test", holdWhile: () => true, maxHoldMs: 200 });
      yield* bounded.record(involved, "Normal", "Held", "second");
      yield* bounded.flush;
      expect((yield* eventsAbout("held")).map((e) => e.message).sort()).toEqual(["first", "second"]);
    }),
  ));
