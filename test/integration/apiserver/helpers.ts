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

/** Collects a stream's text as it arrives (a `kubectl get -w` child's stdout), until the stream ends. */
export const collectText = (stream: ReadableStream<Uint8Array>) => {
  let text = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  })();
  return { text: () => text, done: done.catch(() => {}) };
};

/** A small CRD with status and scale subresources, two versions, printer columns and a free-form field. */
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
                parts: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
                free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
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

/** Creates the widget CRD through `env` and waits until widgets are served in the default namespace. */
export const serveWidgets = async (env: Running): Promise<void> => {
  const crd = await env.request(
    "POST",
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    widgetCrd(),
  );
  if (crd.status !== 201) throw new Error(`creating the widget CRD: ${crd.status} ${await crd.text()}`);
  await eventually(async () =>
    (await env.request("GET", "/apis/example.com/v1/namespaces/default/widgets")).status === 200
      ? true
      : undefined,
  );
};
