// Value checks on a single node that do not recurse: enum, numeric bounds, string length/pattern/format.

import { inBody, invalid, notSupported, tooLong, typeInvalid } from "./causes";
import { deepEqual } from "./cel";
import { matchesFormat } from "./formats";
import type { FieldCause, JSONSchemaProps } from "./types";

/** A schema pattern as a RegExp; null when it is not one (checkStructural rejects it). */
export const compilePattern = (pattern: string): RegExp | null => {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return null;
  }
};

/**
 * Each schema node's pattern, compiled once: schema nodes live as long as their CRD and serve every write.
 * An invalid pattern matches everything.
 */
const nodePatterns = new WeakMap<JSONSchemaProps, RegExp | null>();
const patternOf = (s: JSONSchemaProps, pattern: string): RegExp | null => {
  let re = nodePatterns.get(s);
  if (re === undefined) {
    re = compilePattern(pattern);
    nodePatterns.set(s, re);
  }
  return re;
};

const checkNumber = (s: JSONSchemaProps, v: number, path: string, out: FieldCause[]): void => {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    const rel = s.exclusiveMaximum ? "less than" : "less than or equal to";
    out.push(invalid(path, v, inBody(path, `should be ${rel} ${s.maximum}`)));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    const rel = s.exclusiveMinimum ? "greater than" : "greater than or equal to";
    out.push(invalid(path, v, inBody(path, `should be ${rel} ${s.minimum}`)));
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf)) {
    out.push(invalid(path, v, inBody(path, `should be a multiple of ${s.multipleOf}`)));
  }
};

/** Length in code points, as kube-openapi counts it. */
const codePoints = (v: string): number => [...v].length;

const checkString = (s: JSONSchemaProps, v: string, path: string, out: FieldCause[]): void => {
  // A string has at most v.length code points and at least half that: most need no count.
  if (s.maxLength !== undefined && v.length > s.maxLength && codePoints(v) > s.maxLength)
    out.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && v.length < 2 * s.minLength && codePoints(v) < s.minLength) {
    out.push(invalid(path, v, inBody(path, `should be at least ${s.minLength} chars long`)));
  }
  if (s.pattern !== undefined && patternOf(s, s.pattern)?.test(v) === false) {
    out.push(invalid(path, v, inBody(path, `should match '${s.pattern}'`)));
  }
  if (s.format !== undefined && !matchesFormat(s.format, v)) {
    out.push(typeInvalid(path, v, inBody(path, `must be of type ${s.format}: ${JSON.stringify(v)}`)));
  }
};

export const checkScalar = (s: JSONSchemaProps, v: unknown, path: string, out: FieldCause[]): void => {
  if (s.enum !== undefined && !s.enum.some((e) => deepEqual(e, v))) out.push(notSupported(path, v, s.enum));
  if (typeof v === "number") checkNumber(s, v, path, out);
  else if (typeof v === "string") checkString(s, v, path, out);
};
