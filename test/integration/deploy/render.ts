// Renders deploy/chart with helm for the deploy tests and finds objects in the result.

import { parseAllDocuments } from "yaml";
import { chartDir, helm } from "../../../deploy/generate";

export type K8sObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [key: string]: unknown;
};

export interface RenderOptions {
  readonly release?: string;
  readonly namespace?: string;
  /** Top-level values keys, merged over values.yaml (helm --set-json). */
  readonly values?: Record<string, unknown>;
}

export const helmValueArgs = (values: Record<string, unknown> = {}): string[] =>
  Object.entries(values).flatMap(([key, value]) => ["--set-json", `${key}=${JSON.stringify(value)}`]);

export const renderChartText = (options: RenderOptions = {}): string =>
  helm([
    "template",
    options.release ?? "agent-sandbox-router",
    chartDir,
    "--namespace",
    options.namespace ?? "agent-sandbox",
    ...helmValueArgs(options.values),
  ]);

export const parseObjects = (text: string): K8sObject[] =>
  parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);

export const renderChart = (options: RenderOptions = {}): K8sObject[] =>
  parseObjects(renderChartText(options));

export const find = (objects: ReadonlyArray<K8sObject>, kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} rendered; have: ${have}`);
  }
  return found;
};

export const kinds = (objects: ReadonlyArray<K8sObject>): string[] =>
  objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

/** Loose accessor for nested fields of rendered objects in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped JSON, checked field by field.
export const field = (o: unknown, path: string): any =>
  path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k]),
      o,
    );

/** The non-default values the tests render and apply besides the defaults. */
export const NON_DEFAULT_VALUES: Record<string, unknown> = {
  namespace: "team-sandboxes",
  router: {
    replicaCount: 3,
    auth: { mode: "token", token: "s3cret-token" },
    image: { repository: "registry.example.com/sandbox-router", tag: "v9.9.9" },
  },
  httproute: { hostname: "sandbox.example.com", parentRef: { name: "gw", namespace: "" } },
  sandboxTemplate: { namespace: "team-sandboxes", runtimeClassName: "gvisor" },
  warmPool: { enabled: true, replicas: 5 },
  controller: { enabled: true },
  crds: { install: true },
  falco: { enabled: true },
};
