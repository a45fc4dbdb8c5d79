// ResourceInfo for each served version of a CustomResourceDefinition (apiextensions.k8s.io/v1).
import { compareVersions } from "../resources/version-priority";
import type { JSONSchemaProps } from "../schema";
import { isObject } from "../schema/types";
import { type PrinterColumn, type ResourceInfo, STANDARD_VERBS, type SubresourceInfo } from "./types";

/** What kube-apiserver defaults a CRD version's printer columns to when it declares none. */
const DEFAULT_COLUMNS: ReadonlyArray<PrinterColumn> = [
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];
const COLUMN_TYPES = new Set(["integer", "number", "string", "boolean", "date"]);

const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

const printerColumns = (v: unknown): ReadonlyArray<PrinterColumn> => {
  if (!Array.isArray(v) || v.length === 0) return DEFAULT_COLUMNS;
  return v.filter(isObject).map((c) => ({
    name: str(c.name),
    type: (COLUMN_TYPES.has(c.type as string) ? c.type : "string") as PrinterColumn["type"],
    jsonPath: str(c.jsonPath),
    ...(typeof c.format === "string" ? { format: c.format } : {}),
    ...(typeof c.description === "string" ? { description: c.description } : {}),
    ...(typeof c.priority === "number" ? { priority: c.priority } : {}),
  }));
};

const subresources = (kind: string, v: unknown): SubresourceInfo[] => {
  const s = obj(v);
  const out: SubresourceInfo[] = [];
  if ("status" in s) out.push({ name: "status", kind, verbs: ["get", "patch", "update"] });
  if ("scale" in s)
    out.push({
      name: "scale",
      kind: "Scale",
      group: "autoscaling",
      version: "v1",
      verbs: ["get", "patch", "update"],
    });
  return out;
};

/** One ResourceInfo per served version, highest priority version first (the group's preferred one). */
export const fromCRD = (crd: unknown): ResourceInfo[] => {
  const spec = obj(obj(crd).spec);
  const names = obj(spec.names);
  const kind = str(names.kind);
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(isObject);
  const served = versions
    .filter((v) => v.served === true && typeof v.name === "string")
    .sort((a, b) => compareVersions(a.name as string, b.name as string));
  const servedVersions = served.map((v) => v.name as string);
  const storage = versions.find((v) => v.storage === true)?.name;
  return served.map((v) => {
    const schema = obj(v.schema).openAPIV3Schema;
    return {
      group: str(spec.group),
      version: v.name as string,
      kind,
      listKind: str(names.listKind, `${kind}List`),
      plural: str(names.plural),
      singular: str(names.singular, kind.toLowerCase()),
      shortNames: strings(names.shortNames),
      namespaced: spec.scope !== "Cluster",
      verbs: STANDARD_VERBS,
      subresources: subresources(kind, v.subresources),
      categories: strings(names.categories),
      printerColumns: printerColumns(v.additionalPrinterColumns),
      ...(isObject(schema) ? { openAPISchema: schema as JSONSchemaProps } : {}),
      ...(typeof storage === "string" ? { storageVersion: storage } : {}),
      servedVersions,
      ...(v.deprecated === true ? { deprecated: true } : {}),
      ...(typeof v.deprecationWarning === "string" ? { deprecationWarning: v.deprecationWarning } : {}),
    };
  });
};
