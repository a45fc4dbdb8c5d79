// `x-kubernetes-validations` at one schema node: evaluates the CEL rules we support (cel/) and turns a
// false result into the field error the rule asks for. Rules outside the subset are skipped silently, by
// design (documented in docs/apiserver-schema.md): logging them per request would flood the log.

import { duplicate, forbidden, invalid, required } from "./causes";
import { CelEvalError, compileRule, evaluate } from "./cel";
import { childPath } from "./path";
import type { FieldCause, JSONSchemaProps, ValidationRule } from "./types";

/** The previous value at the same place in the old object, when the place correlates (updates only). */
export type Old = { readonly v: unknown } | undefined;

const typeLabel = (s: JSONSchemaProps): string =>
  s.type ?? (s["x-kubernetes-int-or-string"] ? "string" : "object");

/** `.spec.foo` / `spec.foo` relative to the node: only simple dotted names are understood. */
const targetPath = (path: string, rule: ValidationRule): string => {
  const rel = rule.fieldPath?.replace(/^\./, "");
  return rel && /^[A-Za-z0-9_.-]+$/.test(rel) ? rel.split(".").reduce(childPath, path) : path;
};

const failure = (s: JSONSchemaProps, rule: ValidationRule, path: string, detail: string): FieldCause => {
  const field = targetPath(path, rule);
  switch (rule.reason) {
    case "FieldValueForbidden":
      return forbidden(field, detail);
    case "FieldValueRequired":
      return required(field, detail);
    case "FieldValueDuplicate":
      return duplicate(field, typeLabel(s));
    default:
      return invalid(field, typeLabel(s), detail);
  }
};

/** `messageExpression` when it is in the subset and yields a non-empty string, else `message`, else kube's default. */
const messageOf = (rule: ValidationRule, env: ReadonlyMap<string, unknown>): string => {
  const fallback = rule.message ?? `failed rule: ${rule.rule}`;
  const compiled = rule.messageExpression === undefined ? null : compileRule(rule.messageExpression);
  if (compiled === null) return fallback;
  try {
    const message = evaluate(compiled.expr, env);
    return typeof message === "string" && message.trim() !== "" ? message : fallback;
  } catch (e) {
    if (e instanceof CelEvalError) return fallback;
    throw e;
  }
};

export const checkRules = (
  s: JSONSchemaProps,
  value: unknown,
  old: Old,
  path: string,
  out: FieldCause[],
): void => {
  for (const rule of s["x-kubernetes-validations"] ?? []) {
    const compiled = compileRule(rule.rule);
    if (compiled === null || (compiled.transition && old === undefined)) continue;
    const env = new Map<string, unknown>([
      ["self", value],
      ["oldSelf", old?.v],
    ]);
    try {
      const ok = evaluate(compiled.expr, env);
      if (ok !== true) out.push(failure(s, rule, path, messageOf(rule, env)));
    } catch (e) {
      if (!(e instanceof CelEvalError)) throw e;
      out.push(invalid(path, typeLabel(s), `rule evaluation error: ${rule.rule}: ${e.message}`));
    }
  }
};
