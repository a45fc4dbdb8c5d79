// Services get a ClusterIP from 127.96.0.0/16 when created without one, keep it across updates that omit
// it, and headless or ExternalName Services get none.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Running, start } from "./helpers";

let env: Running;
const SERVICES = "/api/v1/namespaces/default/services";

beforeAll(async () => {
  env = await start();
});
afterAll(async () => {
  await env.server.stop();
});

const create = async (name: string, spec: Record<string, unknown>) => {
  const res = await env.request("POST", SERVICES, { metadata: { name }, spec });
  expect(res.status).toBe(201);
  return (await res.json()) as {
    spec: { clusterIP?: string; clusterIPs?: string[] };
    metadata: { resourceVersion: string };
  };
};

const port = { ports: [{ port: 80, targetPort: 8080 }], selector: { app: "x" } };

test("Services without a ClusterIP get distinct ones from the loopback range", async () => {
  const ips = new Set<string>();
  for (const name of ["a", "b", "c", "d", "e"]) {
    const svc = await create(name, { ...port, ...(name === "e" ? { clusterIP: "" } : {}) });
    expect(svc.spec.clusterIP).toMatch(/^127\.96\.\d+\.\d+$/);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP!]);
    ips.add(svc.spec.clusterIP!);
  }
  expect(ips.size).toBe(5);
});

test("headless and ExternalName Services get no address; a given one is kept", async () => {
  expect((await create("headless", { ...port, clusterIP: "None" })).spec.clusterIP).toBe("None");
  expect(
    (await create("ext", { type: "ExternalName", externalName: "example.com" })).spec.clusterIP,
  ).toBeUndefined();
  expect((await create("fixed", { ...port, clusterIP: "127.96.7.7" })).spec.clusterIP).toBe("127.96.7.7");
});

test("an update that omits the ClusterIP keeps it", async () => {
  const svc = await create("kept", port);
  const res = await env.request("PUT", `${SERVICES}/kept`, {
    metadata: { name: "kept", resourceVersion: svc.metadata.resourceVersion },
    spec: { ...port, ports: [{ port: 81, targetPort: 8080 }] },
  });
  expect(res.status).toBe(200);
  const updated = (await res.json()) as { spec: { clusterIP: string; ports: { port: number }[] } };
  expect(updated.spec.clusterIP).toBe(svc.spec.clusterIP!);
  expect(updated.spec.ports[0]!.port).toBe(81);
});
