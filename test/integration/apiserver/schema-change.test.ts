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
