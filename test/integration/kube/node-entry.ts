// Bundled for Node and run by node-runtime.test.ts: the client outside Bun, over node:https.
import { Effect, Stream } from "effect";
import { makeKubeClient } from "../../../src/kube/client";
import type { DirectConnection } from "../../../src/kube/connection";
import { refs } from "../../../src/kube/resources";

const connection = JSON.parse(process.env.KUBE_TEST_CONNECTION ?? "{}") as DirectConnection;

const program = Effect.gen(function* () {
  const c = yield* makeKubeClient(connection);
  const namespaces = (yield* c.list(refs.namespace)).items.map((n) => n.metadata?.name);
  const created = yield* c.create(refs.configMap, { metadata: { name: "from-node", namespace: "default" } });
  const watched = yield* c
    .watch(refs.configMap, {
      namespace: "default",
      resourceVersion: created.metadata?.resourceVersion ?? "",
      timeoutSeconds: 10,
    })
    .pipe(
      Stream.filter((e) => e.type === "DELETED"),
      Stream.take(1),
      Stream.runCollect,
      Effect.fork,
    );
  // The options travel in the DELETE's body: a wrong uid must be refused, so the body has to arrive.
  const refused = yield* Effect.flip(
    c.delete(refs.configMap, "from-node", { preconditions: { uid: "not-its-uid" } }),
  );
  yield* c.delete(refs.configMap, "from-node", { preconditions: { uid: created.metadata?.uid ?? "" } });
  const events = yield* watched.await.pipe(Effect.flatten);
  const missing = yield* Effect.flip(c.get(refs.configMap, "from-node"));
  return {
    runtime: typeof globalThis.Bun === "undefined" ? "node" : "bun",
    namespaces,
    watched: events.length,
    missing: missing._tag,
    refused: refused._tag,
  };
});

Effect.runPromise(program).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
