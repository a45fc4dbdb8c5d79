// Conformance through @kubernetes/client-node 1.4: CRUD, errors, watch, CRDs, subresources, deletion.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as k8s from "@kubernetes/client-node";
import { eventually, type Running, start, widgetCrd } from "./helpers";

interface Widget {
  metadata: { name: string; generation: number; deletionTimestamp?: string };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let env: Running;
let core: k8s.CoreV1Api;
let custom: k8s.CustomObjectsApi;
let ext: k8s.ApiextensionsV1Api;

beforeAll(async () => {
  env = await start();
  core = env.kc.makeApiClient(k8s.CoreV1Api);
  custom = env.kc.makeApiClient(k8s.CustomObjectsApi);
  ext = env.kc.makeApiClient(k8s.ApiextensionsV1Api);
});
afterAll(() => env.server.stop());

const errorCode = async (p: Promise<unknown>): Promise<number> => {
  try {
    await p;
  } catch (err) {
    return (err as { code: number }).code;
  }
  return 0;
};

describe("core objects", () => {
  test("boot namespaces exist", async () => {
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name).sort()).toEqual(
      expect.arrayContaining(["agent-sandbox-system", "default", "kube-system"]),
    );
  });

  test("create, get, update, patch, delete a ConfigMap", async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "cm1", labels: { app: "a" } }, data: { k: "v" } },
    });
    expect(created.metadata?.uid).toBeString();
    expect(created.metadata?.creationTimestamp).toBeDefined();
    const rv1 = Number(created.metadata?.resourceVersion);
    const got = await core.readNamespacedConfigMap({ namespace: "default", name: "cm1" });
    expect(got.data).toEqual({ k: "v" });
    const updated = await core.replaceNamespacedConfigMap({
      namespace: "default",
      name: "cm1",
      body: { ...got, data: { k: "v2" } },
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(rv1);
    // A stale resourceVersion conflicts.
    expect(
      await errorCode(core.replaceNamespacedConfigMap({ namespace: "default", name: "cm1", body: got })),
    ).toBe(409);
    const patched = await core.patchNamespacedConfigMap(
      { namespace: "default", name: "cm1", body: { data: { extra: "1" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ k: "v2", extra: "1" });
    await core.deleteNamespacedConfigMap({ namespace: "default", name: "cm1" });
    expect(await errorCode(core.readNamespacedConfigMap({ namespace: "default", name: "cm1" }))).toBe(404);
  });

  test("generateName, label and field selectors, paging", async () => {
    for (let i = 0; i < 5; i++) {
      await core.createNamespacedConfigMap({
        namespace: "default",
        body: { metadata: { generateName: "page-", labels: { tier: i % 2 ? "odd" : "even" } } },
      });
    }
    const odd = await core.listNamespacedConfigMap({ namespace: "default", labelSelector: "tier in (odd)" });
    expect(odd.items).toHaveLength(2);
    const notEven = await core.listNamespacedConfigMap({
      namespace: "default",
      labelSelector: "tier,tier!=even",
    });
    expect(notEven.items).toHaveLength(2);
    const first = await core.listNamespacedConfigMap({
      namespace: "default",
      labelSelector: "tier",
      limit: 2,
    });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeString();
    const rest = await core.listNamespacedConfigMap({
      namespace: "default",
      labelSelector: "tier",
      limit: 10,
      _continue: first.metadata!._continue!,
    });
    expect(rest.items).toHaveLength(3);
    const name = first.items[0]!.metadata!.name!;
    expect(name.startsWith("page-")).toBe(true);
    const byName = await core.listNamespacedConfigMap({
      namespace: "default",
      fieldSelector: `metadata.name=${name}`,
    });
    expect(byName.items.map((c) => c.metadata?.name)).toEqual([name]);
  });

  test("errors: not found namespace, invalid name, bad field selector", async () => {
    expect(
      await errorCode(
        core.createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "a" } } }),
      ),
    ).toBe(404);
    expect(
      await errorCode(
        core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "Not_Valid" } } }),
      ),
    ).toBe(422);
    expect(
      await errorCode(core.listNamespacedPod({ namespace: "default", fieldSelector: "spec.bogus=1" })),
    ).toBe(400);
  });

  test("pods get Pending status, defaults, and field selectors on phase and node", async () => {
    const pod = await core.createNamespacedPod({
      namespace: "default",
      body: { metadata: { name: "p1" }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    });
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.spec?.restartPolicy).toBe("Always");
    await core.createNamespacedPodBinding({
      namespace: "default",
      name: "p1",
      body: { metadata: { name: "p1" }, target: { kind: "Node", name: "node-a" } },
    });
    const bound = await core.listNamespacedPod({
      namespace: "default",
      fieldSelector: "spec.nodeName=node-a,status.phase=Pending",
    });
    expect(bound.items.map((p) => p.metadata?.name)).toEqual(["p1"]);
    const st = await core.replaceNamespacedPodStatus({
      namespace: "default",
      name: "p1",
      body: { ...bound.items[0]!, status: { phase: "Running", podIP: "127.0.0.5" } },
    });
    expect(st.status?.phase).toBe("Running");
    await core.deleteNamespacedPod({ namespace: "default", name: "p1" });
  });
});

describe("watch", () => {
  test("streams ADDED, MODIFIED, DELETED from a list's resourceVersion", async () => {
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    const seen: string[] = [];
    const watch = new k8s.Watch(env.kc);
    const req = await watch.watch(
      "/api/v1/namespaces/default/configmaps",
      { resourceVersion: list.metadata!.resourceVersion!, allowWatchBookmarks: true },
      (type, obj) => {
        if (type !== "BOOKMARK") seen.push(`${type} ${obj.metadata.name}`);
      },
      () => {},
    );
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "w1" } } });
    await core.patchNamespacedConfigMap(
      { namespace: "default", name: "w1", body: { data: { a: "1" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: "default", name: "w1" });
    await eventually(() => (seen.length >= 3 ? true : undefined));
    req.abort();
    expect(seen).toEqual(["ADDED w1", "MODIFIED w1", "DELETED w1"]);
  });
});

describe("custom resources", () => {
  beforeAll(async () => {
    // Posted raw: client-node's typed serializer drops `default` and `enum` (it expects `_default`, `_enum`).
    const res = await env.request(
      "POST",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      widgetCrd(),
    );
    expect(res.status).toBe(201);
    const crd = await ext.readCustomResourceDefinition({ name: "widgets.example.com" });
    expect(crd.status?.conditions?.find((c) => c.type === "Established")?.status).toBe("True");
  });

  const widgets = { group: "example.com", version: "v1", namespace: "default", plural: "widgets" };
  const ownedWidget = (name: string, ownerReferences: object[]) =>
    custom.createNamespacedCustomObject({
      ...widgets,
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name, ownerReferences } },
    });
  /** Waits until the garbage collector has removed the widget. */
  const collected = (name: string) =>
    eventually(async () =>
      (await errorCode(custom.getNamespacedCustomObject({ ...widgets, name }))) === 404 ? true : undefined,
    );

  test("served at once; defaults applied; unknown fields pruned; invalid values rejected", async () => {
    const w = (await custom.createNamespacedCustomObject({
      ...widgets,
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { unknown: 1 } },
    })) as { spec: Record<string, unknown>; metadata: { generation: number } };
    expect(w.spec).toEqual({ size: 1 });
    expect(w.metadata.generation).toBe(1);
    expect(
      await errorCode(
        custom.createNamespacedCustomObject({
          ...widgets,
          body: {
            apiVersion: "example.com/v1",
            kind: "Widget",
            metadata: { name: "bad" },
            spec: { color: "green" },
          },
        }),
      ),
    ).toBe(422);
    // Served in the other version too.
    const beta = (await custom.getNamespacedCustomObject({ ...widgets, version: "v1beta1", name: "w" })) as {
      apiVersion: string;
    };
    expect(beta.apiVersion).toBe("example.com/v1beta1");
  });

  test("status subresource: status writes leave spec alone and do not bump generation", async () => {
    const cur = (await custom.getNamespacedCustomObject({ ...widgets, name: "w" })) as Widget;
    const after = (await custom.replaceNamespacedCustomObjectStatus({
      ...widgets,
      name: "w",
      body: { ...cur, spec: { size: 99 }, status: { ready: true } },
    })) as Widget;
    expect(after.status).toEqual({ ready: true });
    expect(after.spec.size).toBe(1);
    expect(after.metadata.generation).toBe(1);
    const spec = (await custom.patchNamespacedCustomObject(
      { ...widgets, name: "w", body: { spec: { size: 3 }, status: { ready: false } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    )) as Widget;
    expect(spec.metadata.generation).toBe(2);
    expect(spec.status).toEqual({ ready: true });
  });

  test("scale subresource", async () => {
    const res = await env.request(
      "PATCH",
      "/apis/example.com/v1/namespaces/default/widgets/w/scale",
      { spec: { replicas: 4 } },
      "application/merge-patch+json",
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { spec: { replicas: number } }).spec.replicas).toBe(4);
    const w = (await custom.getNamespacedCustomObject({ ...widgets, name: "w" })) as Widget;
    expect(w.spec.replicas).toBe(4);
  });

  test("finalizers hold deletion until removed", async () => {
    await custom.createNamespacedCustomObject({
      ...widgets,
      body: {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "fin", finalizers: ["example.com/hold"] },
      },
    });
    await custom.deleteNamespacedCustomObject({ ...widgets, name: "fin" });
    const held = (await custom.getNamespacedCustomObject({ ...widgets, name: "fin" })) as Widget;
    expect(held.metadata.deletionTimestamp).toBeString();
    await custom.patchNamespacedCustomObject(
      { ...widgets, name: "fin", body: [{ op: "remove", path: "/metadata/finalizers" }] },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
    );
    expect(await errorCode(custom.getNamespacedCustomObject({ ...widgets, name: "fin" }))).toBe(404);
  });

  test("owner references: background GC removes dependents", async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "owner" } },
    });
    const ref = {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "owner",
      uid: owner.metadata!.uid!,
      blockOwnerDeletion: true,
    };
    await ownedWidget("dep", [ref]);
    await core.deleteNamespacedConfigMap({ namespace: "default", name: "owner" });
    await collected("dep");
  });

  test("owner references: a dependent handed to another owner follows its new owner only", async () => {
    // As a claim adopting a warm pool's sandbox does: the ownerReferences change in a patch.
    const refTo = async (name: string) => {
      const o = await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name } } });
      return { apiVersion: "v1", kind: "ConfigMap", name, uid: o.metadata!.uid!, controller: true };
    };
    const first = await refTo("first-owner");
    const second = await refTo("second-owner");
    await ownedWidget("handed", [first]);
    await custom.patchNamespacedCustomObject(
      { ...widgets, name: "handed", body: { metadata: { ownerReferences: [second] } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: "default", name: "first-owner" });
    // A later write to the dependent, then time for a (wrong) collection to happen: it must still be there.
    await custom.patchNamespacedCustomObject(
      { ...widgets, name: "handed", body: { metadata: { labels: { touched: "yes" } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await Bun.sleep(200);
    expect(await errorCode(custom.getNamespacedCustomObject({ ...widgets, name: "handed" }))).toBe(0);
    await core.deleteNamespacedConfigMap({ namespace: "default", name: "second-owner" });
    await collected("handed");
  });
});
