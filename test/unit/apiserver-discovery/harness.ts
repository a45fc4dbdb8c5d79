// A tiny HTTP server that serves the discovery/OpenAPI/Table documents built by src/apiserver/discovery
// (and a fixed set of objects), so tests can point the real kubectl at them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as discovery from "../../../src/apiserver/discovery";
import { runProcess } from "../../support/process";

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly accept: string;
  readonly contentType: string;
  readonly body: string;
}

export interface Harness {
  readonly url: string;
  readonly requests: Recorded[];
  kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

const json = (body: unknown, status = 200, contentType = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } });

const notFound = (message: string) =>
  json(
    {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason: "NotFound",
      code: 404,
    },
    404,
  );

/** Finds the resource a REST path addresses: /api/v1/namespaces/ns/pods[/name] or /apis/g/v/... */
const route = (resources: ReadonlyArray<discovery.ResourceInfo>, parts: string[]) => {
  const [root, ...rest] = parts;
  const group = root === "api" ? "" : (rest.shift() ?? "");
  const version = rest.shift() ?? "";
  if (rest[0] === "namespaces" && rest.length >= 3) rest.splice(0, 2);
  const [plural, name] = rest;
  const info = resources.find((r) => r.group === group && r.version === version && r.plural === plural);
  return { group, version, info, name };
};

export const startHarness = (
  resources: ReadonlyArray<discovery.ResourceInfo>,
  objects: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>,
  options: { aggregated: boolean; now?: number },
): Harness => {
  const requests: Recorded[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const url = new URL(req.url);
      const accept = req.headers.get("accept") ?? "";
      requests.push({
        method: req.method,
        path: url.pathname,
        query: url.search,
        accept,
        contentType: req.headers.get("content-type") ?? "",
        body: await req.text(),
      });
      const parts = url.pathname.split("/").filter(Boolean);
      const format = options.aggregated ? discovery.negotiateDiscovery(accept) : "legacy";
      const p = url.pathname;
      if (p === "/version") return json(discovery.versionInfo());
      if (p === "/api" || p === "/apis") {
        if (format !== "legacy") {
          return json(
            discovery.aggregatedDiscovery(resources, p === "/api" ? "api" : "apis", format),
            200,
            discovery.aggregatedContentType(format),
          );
        }
        return json(p === "/api" ? discovery.apiVersions(url.host) : discovery.apiGroupList(resources));
      }
      if (p === "/openapi/v3") return json(discovery.openAPIV3Index(resources));
      if (p.startsWith("/openapi/v3/")) {
        const [root, a, b] = parts.slice(2);
        const doc =
          root === "api"
            ? discovery.openAPIV3Document(resources, "", a ?? "")
            : discovery.openAPIV3Document(resources, a ?? "", b ?? "");
        return doc ? json(doc) : notFound(p);
      }
      if (p === "/openapi/v2") {
        return accept.includes("protobuf") && !accept.includes("json")
          ? new Response("", { status: 406 })
          : json(discovery.openAPIV2Document(resources));
      }
      if (parts[0] === "apis" && parts.length === 2)
        return json(
          discovery.apiGroup(resources, parts[1]!) ?? {},
          discovery.apiGroup(resources, parts[1]!) ? 200 : 404,
        );
      const isGroupVersion =
        (parts[0] === "api" && parts.length === 2) || (parts[0] === "apis" && parts.length === 3);
      if (isGroupVersion) {
        const list =
          parts[0] === "api"
            ? discovery.apiResourceList(resources, "", parts[1]!)
            : discovery.apiResourceList(resources, parts[1]!, parts[2]!);
        return list ? json(list) : notFound(p);
      }
      const { info, name } = route(resources, parts);
      if (!info) return notFound(p);
      const items = objects[`${info.group}/${info.plural}`] ?? [];
      if (req.method === "POST") {
        return json(JSON.parse(requests.at(-1)!.body), 201);
      }
      if (name !== undefined) {
        const found = items.find((o) => (o.metadata as { name?: string }).name === name);
        if (!found) return notFound(`${info.plural} "${name}" not found`);
        if (req.method === "PATCH") return json(found);
        return accept.includes("as=Table")
          ? json(discovery.toTable(info, found, { now: options.now ?? Date.now() }))
          : json(found);
      }
      const list = {
        kind: info.listKind,
        apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
        metadata: { resourceVersion: "9" },
        items,
      };
      return accept.includes("as=Table")
        ? json(discovery.toTable(info, list, { now: options.now ?? Date.now() }))
        : json(list);
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "discovery-harness-"));
  const url = `http://127.0.0.1:${server.port}`;
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: h, cluster: {server: "${url}"}}]
users: [{name: h, user: {token: t}}]
contexts: [{name: h, context: {cluster: h, user: h, namespace: default}}]
current-context: h
`,
  );
  return {
    url,
    requests,
    kubectl: (...args: string[]) =>
      runProcess(["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
        env: { ...process.env, HOME: dir, KUBECTL_KUBERC: "false" },
      }),
    stop: async () => {
      await server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
