import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Effect, Either, Layer, Stream } from "effect";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { KubeClient } from "../../../src/kube/client";
import type { KubeObject } from "../../../src/kube/object";
import { refs, typedRef } from "../../../src/kube/resources";
import { retryTransient } from "../../../src/kube/retry";
import { connectionTo, runWith, startServer, startStatusServer } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
const cmRef = typedRef<ConfigMap>(refs.configMap);

const flipped = <A, E, R>(e: Effect.Effect<A, E, R>) => Effect.flip(e);

// The same contract whether the client reaches the server over the network or calls its handler in-process.
for (const reach of ["network", "in-process"] as const) {
  describe(`reaching the server: ${reach}`, () => {
    let server: ApiServerHandle;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(async () => {
      await server?.stop();
    });

    const run = <A, E>(program: Effect.Effect<A, E, KubeClient>) =>
      runWith(connectionTo(server, reach), program);

    describe("KubeClient CRUD", () => {
      test("create, get, list with selectors and paging, replace, patch, delete", () =>
        run(
          Effect.gen(function* () {
            const c = yield* KubeClient;
            for (let i = 0; i < 5; i++) {
              yield* c.create(cmRef, {
                metadata: {
                  name: `crud-${i}`,
                  namespace: "default",
                  labels: { suite: "crud", parity: String(i % 2) },
                },
                data: { i: String(i) },
              });
            }
            expect((yield* c.get(cmRef, "crud-3")).data).toEqual({ i: "3" });

            const odd = yield* c.list(cmRef, { namespace: "default", labelSelector: "suite=crud,parity=1" });
            expect(odd.items.map((x) => x.metadata?.name).sort()).toEqual(["crud-1", "crud-3"]);
            const byField = yield* c.list(cmRef, {
              namespace: "default",
              fieldSelector: "metadata.name=crud-2",
            });
            expect(byField.items.map((x) => x.metadata?.name)).toEqual(["crud-2"]);

            const page = yield* c.list(cmRef, {
              namespace: "default",
              labelSelector: "suite=crud",
              limit: 2,
            });
            expect(page.items.length).toBe(2);
            expect(page.metadata.continue).toBeTruthy();
            const all = yield* c.listAll(cmRef, {
              namespace: "default",
              labelSelector: "suite=crud",
              limit: 2,
            });
            expect(all.items.map((x) => x.metadata?.name).sort()).toEqual([
              "crud-0",
              "crud-1",
              "crud-2",
              "crud-3",
              "crud-4",
            ]);
            expect(Number(all.resourceVersion)).toBeGreaterThan(0);

            const got = yield* c.get(cmRef, "crud-0");
            const replaced = yield* c.replace(cmRef, { ...got, data: { i: "zero" } });
            expect(replaced.data).toEqual({ i: "zero" });

            const merged = yield* c.patch(cmRef, "crud-0", { type: "merge", body: { data: { j: "1" } } });
            expect(merged.data).toEqual({ i: "zero", j: "1" });
            const jsonPatched = yield* c.patch(
              cmRef,
              "crud-0",
              { type: "json", body: [{ op: "remove", path: "/data/j" }] },
              { resourceVersion: merged.metadata?.resourceVersion ?? "" },
            );
            expect(jsonPatched.data).toEqual({ i: "zero" });
            const strategic = yield* c.patch(cmRef, "crud-0", {
              type: "strategic",
              body: { data: { k: "2" } },
            });
            expect(strategic.data).toEqual({ i: "zero", k: "2" });

            yield* c.delete(cmRef, "crud-0", { propagationPolicy: "Background" });
            expect((yield* flipped(c.get(cmRef, "crud-0")))._tag).toBe("NotFound");
            yield* c.delete(cmRef, "crud-1", {
              preconditions: { uid: (yield* c.get(cmRef, "crud-1")).metadata?.uid ?? "" },
            });
            yield* c.delete(cmRef, "crud-2", { gracePeriodSeconds: 0 });
            const left = yield* c.list(cmRef, { namespace: "default", labelSelector: "suite=crud" });
            expect(left.items.length).toBe(2);
          }),
        ));

      test("status subresource: updateStatus and patchStatus change status only", () =>
        run(
          Effect.gen(function* () {
            const c = yield* KubeClient;
            const ns = yield* c.create(refs.namespace, {
              metadata: { name: "status-test", labels: { a: "b" } },
            });
            const patched = yield* c.patchStatus(refs.namespace, "status-test", {
              type: "merge",
              body: { status: { phase: "Active" }, metadata: { labels: { a: "changed" } } },
            });
            expect(patched.metadata?.labels).toEqual(ns.metadata?.labels ?? {});
            const pod = yield* c.create(refs.pod, {
              metadata: { name: "status-pod", namespace: "default" },
              spec: { containers: [{ name: "c", image: "busybox" }] },
            });
            const updated = yield* c.updateStatus(refs.pod, {
              ...pod,
              status: { phase: "Running", podIP: "127.0.0.9" },
            });
            expect((updated.status as { podIP?: string }).podIP).toBe("127.0.0.9");
            const read = yield* c.get(refs.pod, "status-pod");
            expect((read.status as { phase?: string }).phase).toBe("Running");
          }),
        ));

      test("a raw watch streams events from a resourceVersion", () =>
        run(
          Effect.gen(function* () {
            const c = yield* KubeClient;
            const first = yield* c.create(cmRef, { metadata: { name: "watched", namespace: "default" } });
            const events = yield* c
              .watch(cmRef, {
                namespace: "default",
                resourceVersion: first.metadata?.resourceVersion ?? "",
                timeoutSeconds: 30,
              })
              .pipe(
                Stream.filter((e) => e.type !== "BOOKMARK"),
                Stream.take(2),
                Stream.runCollect,
                Effect.fork,
              );
            yield* c.patch(cmRef, "watched", { type: "merge", body: { data: { a: "1" } } });
            yield* c.delete(cmRef, "watched");
            const got = [...(yield* events.await.pipe(Effect.flatten))];
            expect(got.map((e) => e.type)).toEqual(["MODIFIED", "DELETED"]);
          }),
        ));
    });

    describe("KubeClient errors from the API server", () => {
      test("NotFound, AlreadyExists, Conflict, Invalid, KubeError", () =>
        run(
          Effect.gen(function* () {
            const c = yield* KubeClient;
            expect((yield* flipped(c.get(cmRef, "missing")))._tag).toBe("NotFound");
            expect((yield* flipped(c.delete(cmRef, "missing")))._tag).toBe("NotFound");

            const cm = yield* c.create(cmRef, { metadata: { name: "dup", namespace: "default" } });
            expect(
              (yield* flipped(c.create(cmRef, { metadata: { name: "dup", namespace: "default" } })))._tag,
            ).toBe("AlreadyExists");

            yield* c.patch(cmRef, "dup", { type: "merge", body: { data: { v: "2" } } });
            expect((yield* flipped(c.replace(cmRef, { ...cm, data: { v: "stale" } })))._tag).toBe("Conflict");
            const lockedPatch = c.patch(
              cmRef,
              "dup",
              { type: "merge", body: { data: { v: "x" } } },
              {
                resourceVersion: cm.metadata?.resourceVersion ?? "",
              },
            );
            expect((yield* flipped(lockedPatch))._tag).toBe("Conflict");
            const staleDelete = c.delete(cmRef, "dup", {
              preconditions: { resourceVersion: cm.metadata?.resourceVersion ?? "" },
            });
            expect((yield* flipped(staleDelete))._tag).toBe("Conflict");

            const invalid = yield* flipped(
              c.create(cmRef, { metadata: { name: "Not_A_Valid_Name", namespace: "default" } }),
            );
            expect(invalid._tag).toBe("Invalid");
            if (invalid._tag === "Invalid") expect(invalid.causes.length).toBeGreaterThan(0);

            const failedTest = c.patch(cmRef, "dup", {
              type: "json",
              body: [{ op: "test", path: "/data/v", value: "no" }],
            });
            expect((yield* flipped(failedTest))._tag).toBe("Invalid");

            const notAnObject = yield* flipped(
              c.request("POST", "/api/v1/namespaces/default/configmaps", "text"),
            );
            expect(notAnObject._tag).toBe("KubeError");
            expect(notAnObject.code).toBe(400);
          }),
        ));

      test("Gone when watching from a version the server no longer keeps", async () => {
        const small = await startServer({ watchWindow: 5 });
        try {
          const gone = await runWith(
            connectionTo(small, reach),
            Effect.gen(function* () {
              const c = yield* KubeClient;
              for (let i = 0; i < 20; i++)
                yield* c.create(cmRef, { metadata: { name: `g${i}`, namespace: "default" } });
              // The server may refuse the request with 410 or send an ERROR event: either way it means Gone.
              return yield* c
                .watch(cmRef, { namespace: "default", resourceVersion: "2", timeoutSeconds: 5 })
                .pipe(
                  Stream.filter((e) => e.type === "ERROR"),
                  Stream.take(1),
                  Stream.runCollect,
                  Effect.either,
                );
            }),
          );
          if (Either.isLeft(gone)) expect(gone.left._tag).toBe("Gone");
          else expect([...gone.right].map((e) => e.type === "ERROR" && e.object.code)).toEqual([410]);
        } finally {
          await small.stop();
        }
      });

      test("Unauthorized with a wrong token", async () => {
        const result = await runWith(
          { ...connectionTo(server, reach), token: "wrong" },
          Effect.flatMap(KubeClient, (c) => flipped(c.list(cmRef))),
        );
        expect(result._tag).toBe("Unauthorized");
      });
    });
  });
}

describe("KubeClient errors from the network and proxies", () => {
  const statusBody = (code: number, reason: string) => ({
    kind: "Status",
    status: "Failure",
    code,
    reason,
    message: reason,
  });

  test.each([
    [403, "Forbidden", "Forbidden"],
    [429, "TooManyRequests", "Unavailable"],
    [503, "ServiceUnavailable", "Unavailable"],
    [504, "Timeout", "Timeout"],
  ])("%d %s -> %s", async (code, reason, tag) => {
    const s = startStatusServer(code, statusBody(code, reason), { "Retry-After": "1" });
    try {
      const e = await runWith(
        { url: s.url },
        Effect.flatMap(KubeClient, (c) => flipped(c.get(cmRef, "x"))),
      );
      expect(e._tag).toBe(tag as typeof e._tag);
    } finally {
      await s.stop();
    }
  });

  test("connection refused is Unavailable, and retryTransient retries it", async () => {
    const s = startStatusServer(200);
    const url = s.url;
    await s.stop();
    let attempts = 0;
    const e = await runWith(
      { url },
      Effect.flatMap(KubeClient, (c) =>
        flipped(
          retryTransient(
            Effect.zipRight(
              Effect.sync(() => attempts++),
              c.get(cmRef, "x"),
            ),
          ),
        ),
      ),
    );
    expect(e._tag).toBe("Unavailable");
    expect(attempts).toBe(7);
  }, 30_000);

  test("a server that never answers is a Timeout", async () => {
    const s = startStatusServer("hang");
    try {
      const e = await runWith(
        { url: s.url },
        Effect.flatMap(KubeClient, (c) => flipped(c.get(cmRef, "x"))),
        { requestTimeout: "300 millis" },
      );
      expect(e._tag).toBe("Timeout");
    } finally {
      await s.stop();
    }
  });

  test("the deadline covers a JSON body, but a watch only until its headers", async () => {
    // Headers at once; the body's lines follow every 100 ms, past the 300 ms deadline, and never end.
    const encoder = new TextEncoder();
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        let n = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await Bun.sleep(100);
            const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${++n}` } };
            controller.enqueue(encoder.encode(`${JSON.stringify({ type: "ADDED", object })}\n`));
          },
        });
        return new Response(body, { headers: { "Content-Type": "application/json" } });
      },
    });
    try {
      const connection = { url: `http://127.0.0.1:${server.port}` };
      const options = { requestTimeout: "300 millis" } as const;
      const e = await runWith(
        connection,
        Effect.flatMap(KubeClient, (c) => flipped(c.get(cmRef, "x"))),
        options,
      );
      expect(e._tag).toBe("Timeout");
      const names = await runWith(
        connection,
        Effect.flatMap(KubeClient, (c) =>
          c.watch(cmRef).pipe(
            Stream.take(6),
            Stream.map((ev) => (ev.type === "ERROR" ? "error" : ev.object.metadata?.name)),
            Stream.runCollect,
          ),
        ),
        options,
      );
      expect([...names]).toEqual(["cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"]);
    } finally {
      await server.stop(true);
    }
  });

  test("a bad kubeconfig path is a KubeConfigError", async () => {
    const e = await Effect.runPromise(
      Effect.flip(Effect.scoped(Layer.build(KubeClient.layer("/nonexistent/kubeconfig")))),
    );
    expect(e._tag).toBe("KubeConfigError");
  });
});
