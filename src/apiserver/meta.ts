// Object metadata rules: name formats, generated names, timestamps, and the fields the server owns.
import type { NameRule } from "./resources/types";
import type { StatusCause } from "./status";

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  field,
});

/** Messages for a name that breaks `rule`; empty when the name is fine. */
export const nameProblems = (name: string, rule: NameRule): string[] => {
  if (rule === "path") {
    if (name === "." || name === "..") return [`may not be '${name}'`];
    return /[/%]/.test(name) ? ["may not contain '/' or '%'"] : [];
  }
  const max = rule === "label" ? 63 : 253;
  const out: string[] = [];
  if (name.length > max) out.push(`must be no more than ${max} characters`);
  if (!(rule === "label" ? LABEL : SUBDOMAIN).test(name))
    out.push(rule === "label" ? LABEL_MSG : SUBDOMAIN_MSG);
  return out;
};

export const validateName = (name: string, rule: NameRule, field = "metadata.name"): StatusCause[] =>
  nameProblems(name, rule).map((m) => invalidValue(field, name, m));

/**
 * Keys found valid, remembered: every write checks every label and annotation key, and the same few keys
 * come back on nearly every object. Bounded; forgotten all at once when full.
 */
const validKeys = new Set<string>();
const VALID_KEYS_MAX = 4096;

const labelKeyProblems = (key: string): string[] => {
  if (validKeys.has(key)) return [];
  const problems = keyProblems(key);
  if (problems.length === 0) {
    if (validKeys.size >= VALID_KEYS_MAX) validKeys.clear();
    validKeys.add(key);
  }
  return problems;
};

const keyProblems = (key: string): string[] => {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : "";
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: string[] = [];
  if (slash >= 0 && (prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    out.push(`prefix part ${SUBDOMAIN_MSG}`);
  if (name.length > 63) out.push("name part must be no more than 63 characters");
  if (!QUALIFIED_NAME.test(name)) {
    out.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return out;
};

/** Label keys and values must be qualified names and short values; annotations only need valid keys. */
export const validateLabels = (meta: Record<string, unknown>): StatusCause[] => {
  const causes: StatusCause[] = [];
  for (const field of ["labels", "annotations"] as const) {
    const map = meta[field];
    if (map === undefined || map === null) continue;
    if (typeof map !== "object" || Array.isArray(map)) {
      causes.push(invalidValue(`metadata.${field}`, map, "must be a map of strings"));
      continue;
    }
    for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
      for (const m of labelKeyProblems(k)) causes.push(invalidValue(`metadata.${field}`, k, m));
      if (typeof v !== "string") causes.push(invalidValue(`metadata.${field}[${k}]`, v, "must be a string"));
      else if (field === "labels" && (v.length > 63 || !LABEL_VALUE.test(v))) {
        causes.push(
          invalidValue(
            `metadata.labels`,
            v,
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
          ),
        );
      }
    }
  }
  return causes;
};

const GENERATED_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** `generateName` plus five random characters, the prefix cut so the result stays a valid length. */
export const generateName = (prefix: string): string => {
  let suffix = "";
  for (let i = 0; i < 5; i++)
    suffix += GENERATED_ALPHABET[Math.floor(Math.random() * GENERATED_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
};

/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export const timeIn = (seconds: number): string =>
  new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");

export type Meta = Record<string, unknown>;

export const metaOf = (o: Record<string, unknown>): Meta => (o.metadata ?? {}) as Meta;

export const finalizersOf = (o: Record<string, unknown>): string[] => {
  const f = metaOf(o).finalizers;
  return Array.isArray(f) ? (f.filter((x) => typeof x === "string") as string[]) : [];
};

export interface OwnerRef {
  readonly uid: string;
  readonly blockOwnerDeletion?: boolean;
}

export const ownerRefsOf = (o: Record<string, unknown>): OwnerRef[] => {
  const refs = metaOf(o).ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.filter((r): r is OwnerRef => r !== null && typeof r === "object" && typeof r.uid === "string");
};
