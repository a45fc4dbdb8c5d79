// Shared setup for the API server suites: a server on a free port and a client-node config for it.
import * as k8s from "@kubernetes/client-node";
import { type ApiServerHandle, type ApiServerOptions, startApiServer } from "../../../src/apiserver/index";

export interface Running {
  readonly server: ApiServerHandle;
  readonly kc: k8s.KubeConfig;
  /** Raw request with the server's bearer token. */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<Response>;
}

export const start = async (options: ApiServerOptions = {}): Promise<Running> => {
  const server = await startApiServer({ port: 0, ...options });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(server.kubeconfig);
  return {
    server,
    kc,
    request: (method, path, body, contentType = "application/json") =>
      fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${server.token}`, "content-type": contentType },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
        ...(server.caData ? { tls: { ca: server.caData } } : {}),
      }),
  };
};

/** Polls until `check` returns a value (not undefined), failing after `timeoutMs`. */
export const eventually = async <T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(25);
  }
};

/** A small CRD with status and scale subresources, two versions and printer columns. */
export const widgetCrd = (scope: "Namespaced" | "Cluster" = "Namespaced") => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope,
    names: {
      plural: "widgets",
      singular: "widget",
      kind: "Widget",
      listKind: "WidgetList",
      shortNames: ["wd"],
    },
    versions: ["v1", "v1beta1"].map((name) => ({
      name,
      served: true,
      storage: name === "v1",
      subresources: {
        status: {},
        scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
      },
      additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }],
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: {
              type: "object",
              properties: {
                size: { type: "integer", minimum: 0, default: 1 },
                replicas: { type: "integer" },
                color: { type: "string", enum: ["red", "blue"] },
              },
            },
            status: {
              type: "object",
              properties: { replicas: { type: "integer" }, ready: { type: "boolean" } },
            },
          },
        },
      },
    })),
  },
});
