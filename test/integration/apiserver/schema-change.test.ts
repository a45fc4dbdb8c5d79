// Once a CRD's schema changes, the next write to an object prunes and defaults the whole object under the new
// schema, parts the write leaves alone included, as kube-apiserver's decoding does.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, type Running, serveWidgets, start, widgetCrd } from "./helpers";

let env: Running;
beforeAll(async () => {
  env = await start();
  await serveWidgets(env);
});
afterAll(async () => {
  await env?.server.stop();
});

const WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";
const CRD = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com";
const json = async (res: Response) => {
  if (res.status >= 300) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as { metadata: { resourceVersion: string }; spec: Record<string, unknown> };
};
const label = (name: string, value: string) =>
  env.request(
    "PATCH",
    `${WIDGETS}/${name}`,
    { metadata: { labels: { step: value } } },
    "application/merge-patch+json",
  );

test("after the schema drops a field and gains a default, a write that leaves spec alone prunes and defaults it", async () => {
  await json(
    await env.request("POST", WIDGETS, {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "kept" },
      spec: { size: 3, color: "red" },
    }),
  );
  // A write under the schema it was admitted under: spec untouched and as it was.
  expect((await json(await label("kept", "one"))).spec).toEqual({ size: 3, color: "red" });

  // The new schema knows no `color` and defaults a new field.
  const crd = widgetCrd();
  for (const v of crd.spec.versions) {
    const spec = v.schema.openAPIV3Schema.properties.spec as { properties: Record<string, unknown> };
    delete spec.properties.color;
    spec.properties.shape = { type: "string", default: "round" };
  }
  const current = await json(await env.request("GET", CRD));
  const replaced = await env.request("PUT", CRD, {
    ...crd,
    metadata: { ...crd.metadata, resourceVersion: current.metadata.resourceVersion },
  });
  expect(replaced.status).toBe(200);
  // Served under the new schema once a new object gets the new default.
  await eventually(async () => {
    const probe = await env.request("POST", WIDGETS, {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { generateName: "probe-" },
      spec: {},
    });
    return (await json(probe)).spec.shape === "round" ? true : undefined;
  });

  expect((await json(await label("kept", "two"))).spec).toEqual({ size: 3, shape: "round" });
});

test("the same holds for an object written through a served version that is not the storage version", async () => {
  const V1BETA1 = "/apis/example.com/v1beta1/namespaces/default/widgets";
  await json(
    await env.request("POST", V1BETA1, {
      apiVersion: "example.com/v1beta1",
      kind: "Widget",
      metadata: { name: "beta" },
      spec: { size: 2, replicas: 4 },
    }),
  );
  // v1beta1 forgets `replicas`; v1 (the storage version) keeps it.
  const current = await json(await env.request("GET", CRD));
  const crd = current as unknown as ReturnType<typeof widgetCrd>;
  for (const v of crd.spec.versions) {
    if (v.name !== "v1beta1") continue;
    const spec = v.schema.openAPIV3Schema.properties.spec as { properties: Record<string, unknown> };
    delete spec.properties.replicas;
  }
  expect((await env.request("PUT", CRD, crd)).status).toBe(200);
  await eventually(async () => {
    const probe = await env.request("POST", V1BETA1, {
      apiVersion: "example.com/v1beta1",
      kind: "Widget",
      metadata: { generateName: "probe-" },
      spec: { replicas: 1 },
    });
    return (await json(probe)).spec.replicas === undefined ? true : undefined;
  });

  const patched = await env.request(
    "PATCH",
    `${V1BETA1}/beta`,
    { metadata: { labels: { step: "one" } } },
    "application/merge-patch+json",
  );
  expect((await json(patched)).spec).toEqual({ size: 2, shape: "round" });
});
