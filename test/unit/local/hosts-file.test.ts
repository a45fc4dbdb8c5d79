// The hosts files of Service names: ClusterIPs and ready pods of headless Services under their qualified
// names, and the bare name for pods of the Service's namespace, after the host's own entries; bubblewrap pods
// get their namespace's file bound over /etc/hosts.
import { expect, test } from "bun:test";
import { renderHosts } from "../../../src/local/hosts-file";
import type { EndpointPod, Service } from "../../../src/local/service-routing";
import { hostCommand } from "../../../src/node/launch";

const svc = (name: string, spec: NonNullable<Service["spec"]>): Service => ({
  metadata: { name, namespace: "team" },
  spec,
});
const pod = (ip: string, ready: boolean): EndpointPod => ({
  metadata: { name: ip, namespace: "team", labels: { app: "each" } },
  status: { podIP: ip, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

const services = [
  svc("web", { clusterIP: "127.96.1.2", selector: { app: "web" } }),
  svc("each", { clusterIP: "None", selector: { app: "each" } }),
  svc("external", { type: "ExternalName" }),
];
const pods = [pod("127.1.0.5", true), pod("127.1.0.6", false)];

test("ClusterIP Services and the ready pods of headless ones, after the host's entries", () => {
  const text = renderHosts("127.0.0.1\tlocalhost", services, pods, "elsewhere");
  expect(text.split("\n")).toEqual([
    "127.0.0.1\tlocalhost",
    "# Services of local mode (agent-sandbox), rewritten as they change",
    "127.1.0.5\teach.team.svc.cluster.local each.team.svc each.team",
    "127.96.1.2\tweb.team.svc.cluster.local web.team.svc web.team",
    "",
  ]);
});

test("pods of the Services' own namespace also get the bare names, as their DNS search path gives them", () => {
  const text = renderHosts("127.0.0.1\tlocalhost", services, pods, "team");
  expect(text.split("\n").slice(2, 4)).toEqual([
    "127.1.0.5\teach.team.svc.cluster.local each.team.svc each.team each",
    "127.96.1.2\tweb.team.svc.cluster.local web.team.svc web.team web",
  ]);
});

test("bubblewrap pods get the hosts file over /etc/hosts, after the host's /etc; plain pods cannot", () => {
  const launch = { argv: ["sh"], env: {}, workingDir: "/", pathEnv: [], mounts: [], hostname: "p" };
  const host = { list: (dir: string) => (dir === "/" ? [{ name: "etc" }] : []), isDir: () => true };
  const dirs = { rootfs: "/state/pod/rootfs", hidden: [], hosts: "/state/hosts" };
  const argv = hostCommand(launch, dirs, "bubblewrap", host).argv;
  const bind = argv.findIndex((a, i) => a === "--ro-bind" && argv[i + 1] === "/state/hosts");
  expect(argv[bind + 2]).toBe("/etc/hosts");
  expect(bind).toBeGreaterThan(argv.findIndex((a, i) => a === "--ro-bind" && argv[i + 1] === "/etc"));
  expect(hostCommand(launch, dirs, "none", host).argv).toEqual(["sh"]);
});
