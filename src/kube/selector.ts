import { Data, Either } from "effect";

/** One clause of a label selector. */
export type Requirement =
  | { readonly key: string; readonly op: "=" | "!="; readonly value: string }
  | { readonly key: string; readonly op: "in" | "notin"; readonly values: ReadonlyArray<string> }
  | { readonly key: string; readonly op: "exists" | "!exists" };

export type Selector = ReadonlyArray<Requirement>;

/** The structured form Kubernetes objects carry (`spec.selector` of a Deployment, a warm pool's status). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    readonly values?: ReadonlyArray<string>;
  }>;
}

export class SelectorError extends Data.TaggedError("SelectorError")<{
  readonly selector: string;
  readonly message: string;
}> {}

// Label keys: optional DNS-subdomain prefix and a name; values: possibly empty names.
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
const clauses = (s: string): string[] => {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((c) => c.trim());
};

const parseClause = (clause: string): Requirement | string => {
  const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(clause);
  if (set) {
    const [, key = "", op, list = ""] = set;
    const values = list.split(",").map((v) => v.trim());
    if (!KEY.test(key)) return `invalid label key "${key}"`;
    const bad = values.find((v) => !VALUE.test(v));
    if (bad !== undefined) return `invalid label value "${bad}"`;
    return { key, op: op === "in" ? "in" : "notin", values };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(clause);
  if (eq) {
    const [, key = "", op, value = ""] = eq;
    if (!KEY.test(key)) return `invalid label key "${key}"`;
    if (!VALUE.test(value)) return `invalid label value "${value}"`;
    return { key, op: op === "!=" ? "!=" : "=", value };
  }
  const not = clause.startsWith("!");
  const key = not ? clause.slice(1).trim() : clause;
  if (!KEY.test(key)) return `cannot parse "${clause}"`;
  return { key, op: not ? "!exists" : "exists" };
};

/** Parses the string form (`a=b,c!=d,e in (f,g),h,!i`); the empty string selects everything. */
export const parseSelector = (selector: string): Either.Either<Selector, SelectorError> => {
  if (selector.trim() === "") return Either.right([]);
  const out: Requirement[] = [];
  for (const clause of clauses(selector)) {
    const parsed = parseClause(clause);
    if (typeof parsed === "string") return Either.left(new SelectorError({ selector, message: parsed }));
    out.push(parsed);
  }
  return Either.right(out);
};

const formatRequirement = (r: Requirement): string => {
  switch (r.op) {
    case "=":
    case "!=":
      return `${r.key}${r.op}${r.value}`;
    case "in":
    case "notin":
      return `${r.key} ${r.op} (${r.values.join(",")})`;
    case "exists":
      return r.key;
    case "!exists":
      return `!${r.key}`;
  }
};

export const formatSelector = (selector: Selector): string => selector.map(formatRequirement).join(",");

export const fromLabels = (labels: Readonly<Record<string, string>>): Selector =>
  Object.entries(labels).map(([key, value]) => ({ key, op: "=", value }));

type Expression = NonNullable<LabelSelector["matchExpressions"]>[number];

const fromExpression = (e: Expression): Requirement => {
  switch (e.operator) {
    case "In":
      return { key: e.key, op: "in", values: e.values ?? [] };
    case "NotIn":
      return { key: e.key, op: "notin", values: e.values ?? [] };
    case "Exists":
      return { key: e.key, op: "exists" };
    case "DoesNotExist":
      return { key: e.key, op: "!exists" };
    default:
      // An operator the API server would have rejected: select nothing rather than everything.
      return { key: e.key, op: "in", values: [] };
  }
};

export const fromLabelSelector = (ls: LabelSelector): Selector => [
  ...fromLabels(ls.matchLabels ?? {}),
  ...(ls.matchExpressions ?? []).map(fromExpression),
];

const matchesOne = (r: Requirement, labels: Readonly<Record<string, string>>): boolean => {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case "=":
      return has && value === r.value;
    case "!=":
      return !has || value !== r.value;
    case "in":
      return has && r.values.includes(value ?? "");
    case "notin":
      return !has || !r.values.includes(value ?? "");
    case "exists":
      return has;
    case "!exists":
      return !has;
  }
};

export const matches = (selector: Selector, labels: Readonly<Record<string, string>> | undefined): boolean =>
  selector.every((r) => matchesOne(r, labels ?? {}));
