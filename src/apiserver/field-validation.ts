// Server-side field validation (`?fieldValidation=Strict|Warn|Ignore` on create, update and patch): what
// happens when a body carries fields the kind does not know, or a key twice. Unknown fields are dropped in
// every mode; Strict refuses the request instead, Warn says so in `Warning` headers, Ignore says nothing.
import type { KObject } from "./resources/types";
import type { ApiError } from "./status";

export type FieldValidationDirective = "Strict" | "Warn" | "Ignore";

export interface FieldValidation {
  readonly directive: FieldValidationDirective;
  /** Paths of keys the request body gave twice (found while decoding it). */
  readonly duplicates: ReadonlyArray<string>;
  /** The Strict refusal, worded per verb (create and update: 400; patch: 422 on the field `patch`). */
  readonly reject: (problems: ReadonlyArray<string>, object: KObject) => ApiError;
  /** Records one Warn-mode problem for the response's Warning headers. */
  readonly warn: (problem: string) => void;
}

/**
 * Applies the directive once decoding has found the unknown fields of `object` (paths such as
 * `spec.foo`): throws the Strict refusal, or records warnings, as kube-apiserver words them.
 */
export const enforceFieldValidation = (
  fv: FieldValidation | undefined,
  unknown: ReadonlyArray<string>,
  object: KObject,
): void => {
  if (!fv || fv.directive === "Ignore") return;
  const problems = [
    ...fv.duplicates.map((p) => `duplicate field "${p}"`),
    ...unknown.map((p) => `unknown field "${p}"`),
  ];
  if (problems.length === 0) return;
  if (fv.directive === "Strict") throw fv.reject(problems, object);
  for (const p of problems) fv.warn(p);
};
