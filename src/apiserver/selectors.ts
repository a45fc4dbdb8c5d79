// Label selectors (equality- and set-based) and field selectors, parsed as kube-apiserver parses them.
import { badRequest } from "./status";

export type Requirement =
  | { readonly op: "=" | "!="; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: ReadonlyArray<string> }
  | { readonly op: "exists" | "!exists"; readonly key: string }
  | { readonly op: "gt" | "lt"; readonly key: string; readonly value: number };

export type Labels = Readonly<Record<string, string>>;

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const checkKey = (key: string, raw: string): string => {
  if (!KEY.test(key) || key.length > 317)
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
  return key;
};
const checkValue = (value: string, raw: string): string => {
  if (!VALUE.test(value) || value.length > 63)
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in "${raw}"`);
  return value;
};

/** Splits on commas that are not inside parentheses. */
const splitTerms = (s: string): string[] => {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
};

const SET_TERM = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;
const CMP_TERM = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/;

export const parseLabelSelector = (raw: string): Requirement[] =>
  splitTerms(raw).map((term): Requirement => {
    const set = SET_TERM.exec(term);
    if (set) {
      const values = set[3]!
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
        .map((v) => checkValue(v, raw));
      return { op: set[2] as "in" | "notin", key: checkKey(set[1]!, raw), values };
    }
    if (term.startsWith("!")) return { op: "!exists", key: checkKey(term.slice(1).trim(), raw) };
    const cmp = CMP_TERM.exec(term);
    if (cmp) {
      const key = checkKey(cmp[1]!, raw);
      const value = cmp[3]!.trim();
      if (cmp[2] === ">" || cmp[2] === "<") {
        const n = Number(value);
        if (!/^-?\d+$/.test(value))
          throw badRequest(`unable to parse requirement: invalid integer "${value}"`);
        return { op: cmp[2] === ">" ? "gt" : "lt", key, value: n };
      }
      return { op: cmp[2] === "!=" ? "!=" : "=", key, value: checkValue(value, raw) };
    }
    return { op: "exists", key: checkKey(term, raw) };
  });

export const matchesLabels = (reqs: ReadonlyArray<Requirement>, labels: Labels | undefined): boolean => {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        if (v !== r.value) return false;
        break;
      case "!=":
        if (v === r.value) return false;
        break;
      case "in":
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case "notin":
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!exists":
        if (has) return false;
        break;
      case "gt":
      case "lt": {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        const n = Number(v);
        if (r.op === "gt" ? !(n > r.value) : !(n < r.value)) return false;
        break;
      }
    }
  }
  return true;
};

export interface FieldRequirement {
  readonly field: string;
  readonly op: "=" | "!=";
  readonly value: string;
}

/** Parses `a=b,c!=d`; only the listed field labels are accepted, as the real server does. */
export const parseFieldSelector = (raw: string, allowed: ReadonlyArray<string>): FieldRequirement[] =>
  splitTerms(raw).map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (field !== "metadata.name" && field !== "metadata.namespace" && !allowed.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, op: m[2] === "!=" ? "!=" : "=", value: m[3]!.trim() };
  });

const fieldValue = (obj: Record<string, unknown>, path: string): string => {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "object" ? JSON.stringify(cur) : String(cur);
};

export const matchesFields = (
  reqs: ReadonlyArray<FieldRequirement>,
  obj: Record<string, unknown>,
): boolean => {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.op === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
};
