// CustomResourceDefinition objects: their validation, the status the server sets, and the ResourceDef
// they make servable.
import { isPlainObject } from "../patch/merge";
import { checkStructural } from "../schema";
import type { StatusCause } from "../status";
import type { KObject, ResourceDef, ScaleSubresource } from "./types";
import { compareVersions } from "./version-priority";

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema?: unknown;
  readonly subresources?: { status?: unknown; scale?: ScaleSubresource };
}

const required = (field: string): StatusCause => ({
  reason: "FieldValueRequired",
  message: "Required value",
  field,
});
const invalid = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  field,
});

const specOf = (crd: KObject): Record<string, unknown> => (isPlainObject(crd.spec) ? crd.spec : {});
const namesOf = (crd: KObject): Record<string, unknown> => {
  const n = specOf(crd).names;
  return isPlainObject(n) ? n : {};
};
const versionsOf = (crd: KObject): CrdVersion[] => {
  const v = specOf(crd).versions;
  return Array.isArray(v) ? (v.filter(isPlainObject) as unknown as CrdVersion[]) : [];
};

/** The checks kube-apiserver makes that matter for serving: names, scope and exactly one storage version. */
export const validateCrd = (crd: KObject): StatusCause[] => {
  const causes: StatusCause[] = [];
  const spec = specOf(crd);
  const names = namesOf(crd);
  const group = spec.group;
  if (typeof group !== "string" || group === "") causes.push(required("spec.group"));
  else if (!group.includes("."))
    causes.push(invalid("spec.group", group, "should be a domain with at least one dot"));
  if (typeof names.plural !== "string" || names.plural === "") causes.push(required("spec.names.plural"));
  if (typeof names.kind !== "string" || names.kind === "") causes.push(required("spec.names.kind"));
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(spec.scope)}: supported values: "Cluster", "Namespaced"`,
      field: "spec.scope",
    });
  }
  const name = (crd.metadata as Record<string, unknown> | undefined)?.name;
  if (typeof names.plural === "string" && typeof group === "string" && name !== `${names.plural}.${group}`) {
    causes.push(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  const versions = versionsOf(crd);
  if (versions.length === 0) causes.push(required("spec.versions"));
  const storage = versions.filter((v) => v.storage === true).length;
  if (versions.length > 0 && storage !== 1) {
    causes.push(invalid("spec.versions", storage, "must have exactly one version marked as storage version"));
  }
  versions.forEach((v, i) => {
    const schema = isPlainObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (schema !== undefined)
      causes.push(...checkStructural(schema, `spec.versions[${i}].schema.openAPIV3Schema`));
    if (typeof v.name !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.name)) {
      causes.push(invalid(`spec.versions[${i}].name`, v.name, "must be a valid DNS-1035 label"));
    }
  });
  return causes;
};

/** Status as kube-apiserver reports it once the names are accepted and the kinds are served. */
export const crdStatus = (crd: KObject, at: string): Record<string, unknown> => {
  const names = namesOf(crd);
  const storage = versionsOf(crd).find((v) => v.storage)?.name;
  const previous =
    isPlainObject(crd.status) && Array.isArray(crd.status.storedVersions) ? crd.status.storedVersions : [];
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastTransitionTime: at,
    reason,
    message,
  });
  return {
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? String(names.kind ?? "").toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${String(names.kind)}List`,
      ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames } : {}),
      ...(Array.isArray(names.categories) ? { categories: names.categories } : {}),
    },
    storedVersions: [...new Set([...previous, ...(storage ? [storage] : [])])],
  };
};

/** The servable resource a valid CRD describes. */
export const crdToResource = (crd: KObject): ResourceDef => {
  const spec = specOf(crd);
  const names = namesOf(crd);
  const versions = versionsOf(crd);
  const served = versions.filter((v) => v.served !== false).map((v) => v.name);
  const storage = versions.find((v) => v.storage)!;
  const schemas: Record<string, unknown> = {};
  for (const v of versions) {
    const s = isPlainObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (s !== undefined) schemas[v.name] = s;
  }
  const sub = storage.subresources ?? {};
  const kind = String(names.kind);
  const conversion =
    isPlainObject(spec.conversion) && spec.conversion.strategy === "Webhook" ? "Webhook" : "None";
  return {
    group: String(spec.group),
    versions: served.sort(compareVersions),
    storageVersion: storage.name,
    kind,
    listKind: typeof names.listKind === "string" ? names.listKind : `${kind}List`,
    plural: String(names.plural),
    singular: typeof names.singular === "string" && names.singular ? names.singular : kind.toLowerCase(),
    shortNames: Array.isArray(names.shortNames) ? (names.shortNames as string[]) : [],
    categories: Array.isArray(names.categories) ? (names.categories as string[]) : [],
    namespaced: spec.scope === "Namespaced",
    statusSubresource: isPlainObject(sub.status),
    ...(isPlainObject(sub.scale) ? { scale: sub.scale as ScaleSubresource } : {}),
    nameRule: "subdomain",
    builtin: false,
    fieldLabels: [],
    crd: { name: String((crd.metadata as Record<string, unknown>).name), schemas, conversion, object: crd },
  };
};
