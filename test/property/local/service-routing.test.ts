// Cluster names and endpoints as local mode's proxies decide them: every form a pod's resolver accepts
// names the same Service, other hosts name none; endpoints are the ready, selected pods of the namespace;
// target ports resolve by number or by container port name.
import { expect, test } from "bun:test";
import fc from "fast-check";
import {
  type EndpointPod,
  isProxied,
  parseServiceHost,
  readyEndpoints,
  type Service,
  targetPortOn,
} from "../../../src/local/service-routing";

const label = fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);

test("name, name.ns, name.ns.svc and name.ns.svc.cluster.local name the same Service, in any case", () => {
  fc.assert(
    fc.property(label, label, label, fc.boolean(), (name, ns, fallback, upper) => {
      const forms = [
        `${name}.${ns}`,
        `${name}.${ns}.svc`,
        `${name}.${ns}.svc.cluster.local`,
        `${name}.${ns}.svc.cluster.local.`,
      ];
      for (const form of forms)
        expect(parseServiceHost(upper ? form.toUpperCase() : form, fallback)).toEqual({
          name,
          namespace: ns,
        });
      expect(parseServiceHost(name, fallback)).toEqual({ name, namespace: fallback });
    }),
  );
});

test("IP addresses, longer names and other domains' suffixes are not Service names", () => {
  fc.assert(
    fc.property(label, label, label, (a, b, c) => {
      expect(parseServiceHost(`${a}.${b}.${c}.example.com`, "default")).toBeUndefined();
      expect(parseServiceHost(`${a}.${b}.svc.other.domain`, "default")).toBeUndefined();
    }),
  );
  // "a.svc" is Service a in namespace svc, as a pod's resolver reads it.
  expect(parseServiceHost("a.svc", "default")).toEqual({ name: "a", namespace: "svc" });
  for (const host of ["127.96.0.1", "10.0.0.1", "::1", "", "a..b", "-a.b", "a_b.c"])
    expect(parseServiceHost(host, "default")).toBeUndefined();
  expect(parseServiceHost("web.team.svc.corp.internal", "default", "corp.internal")).toEqual({
    name: "web",
    namespace: "team",
  });
});

const service = (spec: NonNullable<Service["spec"]>, namespace = "ns"): Service => ({
  metadata: { name: "s", namespace },
  spec,
});
const pod = (
  name: string,
  o: { ns?: string; app?: string; ready?: boolean; ip?: string; deleting?: boolean },
): EndpointPod => ({
  metadata: {
    name,
    namespace: o.ns ?? "ns",
    labels: { app: o.app ?? "web" },
    ...(o.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
  },
  spec: { containers: [{ ports: [{ name: "http", containerPort: 8080 }] }] },
  status: {
    ...(o.ip === undefined ? {} : { podIP: o.ip }),
    conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
  },
});

test("endpoints: ready pods of the namespace that the selector picks, with an IP and not being deleted", () => {
  const svc = service({ clusterIP: "127.96.0.9", selector: { app: "web" }, ports: [{ port: 80 }] });
  const pods = [
    pod("good", { ip: "127.1.0.2" }),
    pod("unready", { ip: "127.1.0.3", ready: false }),
    pod("other-ns", { ip: "127.1.0.4", ns: "elsewhere" }),
    pod("other-app", { ip: "127.1.0.5", app: "db" }),
    pod("no-ip", {}),
    pod("going", { ip: "127.1.0.6", deleting: true }),
  ];
  expect(readyEndpoints(svc, pods).map((p) => p.metadata?.name)).toEqual(["good"]);
  expect(readyEndpoints(service({ clusterIP: "127.96.0.9", ports: [{ port: 80 }] }), pods)).toEqual([]);
});

test("proxied Services have their own ClusterIP and a selector", () => {
  expect(isProxied(service({ clusterIP: "127.96.0.9", selector: { app: "web" } }))).toBe(true);
  expect(isProxied(service({ clusterIP: "None", selector: { app: "web" } }))).toBe(false);
  expect(isProxied(service({ clusterIP: "127.96.0.9" }))).toBe(false);
  expect(isProxied(service({ selector: { app: "web" } }))).toBe(false);
});

test("target ports: a number, a numeric string, a container port's name, or the Service port", () => {
  const p = pod("p", { ip: "127.1.0.2" });
  expect(targetPortOn({ port: 80, targetPort: 9000 }, p)).toBe(9000);
  expect(targetPortOn({ port: 80, targetPort: "9001" }, p)).toBe(9001);
  expect(targetPortOn({ port: 80, targetPort: "http" }, p)).toBe(8080);
  expect(targetPortOn({ port: 80, targetPort: "metrics" }, p)).toBeUndefined();
  expect(targetPortOn({ port: 80 }, p)).toBe(80);
});
