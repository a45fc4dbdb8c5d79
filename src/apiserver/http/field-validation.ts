// `?fieldValidation=` on create (POST), update (PUT) and patch (PATCH): the directive (Warn when absent, as
// kube-apiserver defaults it), its refusals worded per verb as kube-apiserver words them, and the Warning
// headers of Warn mode.
import type { Target } from "../engine";
import type { FieldValidation, FieldValidationDirective } from "../field-validation";
import type { KObject } from "../resources/types";
import { type ApiError, badRequest, invalid } from "../status";
import { duplicateFields } from "./json-duplicates";

export type WriteVerb = "create" | "update" | "patch";

const OPTIONS_KIND: Readonly<Record<WriteVerb, string>> = {
  create: "CreateOptions",
  update: "UpdateOptions",
  patch: "PatchOptions",
};

const DIRECTIVES: ReadonlySet<string> = new Set<FieldValidationDirective>(["Strict", "Warn", "Ignore"]);

const directiveOf = (q: URLSearchParams, verb: WriteVerb): FieldValidationDirective => {
  const value = q.get("fieldValidation") ?? "";
  if (value === "") return "Warn";
  if (DIRECTIVES.has(value)) return value as FieldValidationDirective;
  throw invalid("meta.k8s.io", OPTIONS_KIND[verb], "", [
    {
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Strict", "Warn"`,
      field: "fieldValidation",
    },
  ]);
};

const strictError = (problems: ReadonlyArray<string>) => `strict decoding error: ${problems.join(", ")}`;

/** Create and update: the body could not be decoded strictly (400). */
const decodeRefusal =
  (t: Target) =>
  (problems: ReadonlyArray<string>): ApiError =>
    badRequest(
      `${t.def.kind} in version "${t.version}" cannot be handled as a ${t.def.kind}: ${strictError(problems)}`,
    );

/** Patch: the patched object is invalid on the field `patch` (422), as kube-apiserver's patcher says. */
const patchRefusal = (problems: ReadonlyArray<string>, patched: KObject): ApiError =>
  invalid("", "", "", [
    {
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(JSON.stringify(patched))}: ${strictError(problems)}`,
      field: "patch",
    },
  ]);

/**
 * The field validation of one write. `json` is the JSON text of the body (or patch) where duplicate keys
 * are looked for, and `parsed` what JSON.parse made of it; `json` is undefined for bodies that cannot have
 * them (YAML refuses them while parsing).
 */
export const requestFieldValidation = (
  verb: WriteVerb,
  t: Target,
  q: URLSearchParams,
  json: string | undefined,
  parsed: unknown,
  warnings: Set<string>,
): FieldValidation => {
  const directive = directiveOf(q, verb);
  return {
    directive,
    duplicates: directive !== "Ignore" && json !== undefined ? duplicateFields(json, parsed) : [],
    reject: verb === "patch" ? patchRefusal : decodeRefusal(t),
    warn: (problem) => warnings.add(problem),
  };
};

/**
 * `Warning: 299 - "text"` headers, one per distinct text. Quotes and backslashes are escaped inside the
 * quoted string; non-ASCII text goes out as its UTF-8 bytes, as kube-apiserver sends it.
 */
export const warningHeaders = (warnings: ReadonlySet<string>): Array<[string, string]> =>
  [...warnings].map((text) => [
    "warning",
    `299 - "${Buffer.from(text.replace(/["\\]/g, "\\$&"), "utf8").toString("latin1")}"`,
  ]);
