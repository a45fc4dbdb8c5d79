// Evaluation of a parsed CEL-subset expression over JSON values.
import { isObject } from "../types";
import type { Expr } from "./parser";

/** A runtime failure kube-apiserver would also report (missing key, wrong operand types). */
export class CelEvalError extends Error {}

type Env = ReadonlyMap<string, unknown>;

export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
};

const bool = (v: unknown): boolean => {
  if (typeof v !== "boolean") throw new CelEvalError("no matching overload: expected bool");
  return v;
};

const str = (v: unknown): string => {
  if (typeof v !== "string") throw new CelEvalError("no matching overload: expected string");
  return v;
};

const size = (v: unknown): number => {
  if (typeof v === "string") return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  throw new CelEvalError("no matching overload for size");
};

const compare = (op: string, l: unknown, r: unknown): boolean => {
  const ok =
    (typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string");
  if (!ok) throw new CelEvalError(`no matching overload for ${op}`);
  const a = l as number | string;
  const b = r as number | string;
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
};

const arith = (op: string, l: unknown, r: unknown): unknown => {
  if (op === "+" && typeof l === "string" && typeof r === "string") return l + r;
  if (op === "+" && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if (typeof l !== "number" || typeof r !== "number")
    throw new CelEvalError(`no matching overload for ${op}`);
  if ((op === "/" || op === "%") && r === 0)
    throw new CelEvalError(op === "/" ? "division by zero" : "modulus by zero");
  if (op === "+") return l + r;
  if (op === "-") return l - r;
  if (op === "*") return l * r;
  if (op === "/") return Number.isInteger(l) && Number.isInteger(r) ? Math.trunc(l / r) : l / r;
  return l % r;
};

const member = (obj: unknown, key: unknown): unknown => {
  if (Array.isArray(obj)) {
    if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key >= obj.length) {
      throw new CelEvalError(`index out of bounds: ${String(key)}`);
    }
    return obj[key];
  }
  if (isObject(obj) && typeof key === "string") {
    if (!(key in obj)) throw new CelEvalError(`no such key: ${key}`);
    return obj[key];
  }
  throw new CelEvalError("no matching overload for field selection");
};

const elements = (range: unknown): unknown[] => {
  if (Array.isArray(range)) return range;
  if (isObject(range)) return Object.keys(range);
  throw new CelEvalError("comprehension over a value that is neither list nor map");
};

const toStringValue = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new CelEvalError("no matching overload for string");
};

const toInt = (v: unknown): number => {
  const n = typeof v === "string" && /^[-+]?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new CelEvalError("no matching overload for int");
  return Math.trunc(n);
};

const toDouble = (v: unknown): number => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || Number.isNaN(n)) throw new CelEvalError("no matching overload for double");
  return n;
};

const callMethod = (fn: string, target: unknown, args: ReadonlyArray<unknown>): unknown => {
  if (fn === "size") return size(target);
  if (fn === "string") return toStringValue(target);
  if (fn === "int") return toInt(target);
  if (fn === "double") return toDouble(target);
  const s = str(target);
  const a = str(args[0]);
  if (fn === "startsWith") return s.startsWith(a);
  if (fn === "endsWith") return s.endsWith(a);
  if (fn === "contains") return s.includes(a);
  return regex(a).test(s);
};

const regex = (pattern: string): RegExp => {
  try {
    return new RegExp(pattern);
  } catch {
    throw new CelEvalError(`invalid regular expression: ${pattern}`);
  }
};

export const evaluate = (e: Expr, env: Env): unknown => {
  switch (e.k) {
    case "lit":
      return e.v;
    case "var":
      return env.get(e.name);
    case "select":
      return member(evaluate(e.obj, env), e.field);
    case "has": {
      const obj = evaluate(e.obj, env);
      if (!isObject(obj)) throw new CelEvalError("has() on a value that is not an object");
      return e.field in obj;
    }
    case "index":
      return member(evaluate(e.obj, env), evaluate(e.index, env));
    case "call":
      return callMethod(
        e.fn,
        evaluate(e.target, env),
        e.args.map((a) => evaluate(a, env)),
      );
    case "all":
    case "exists": {
      const items = elements(evaluate(e.range, env));
      const test = (x: unknown) => bool(evaluate(e.body, new Map([...env, [e.v, x]])));
      return e.k === "all" ? items.every(test) : items.some(test);
    }
    case "not":
      return !bool(evaluate(e.e, env));
    case "neg":
      return -(evaluate(e.e, env) as number);
    case "cond":
      return bool(evaluate(e.c, env)) ? evaluate(e.t, env) : evaluate(e.f, env);
    case "list":
      return e.items.map((x) => evaluate(x, env));
    case "bin":
      return binary(e.op, e.l, e.r, env);
  }
};

const binary = (op: string, le: Expr, re: Expr, env: Env): unknown => {
  // CEL's && and || are commutative about errors; short-circuiting left to right is the common case.
  if (op === "&&") return bool(evaluate(le, env)) && bool(evaluate(re, env));
  if (op === "||") return bool(evaluate(le, env)) || bool(evaluate(re, env));
  const l = evaluate(le, env);
  const r = evaluate(re, env);
  if (op === "==") return deepEqual(l, r);
  if (op === "!=") return !deepEqual(l, r);
  if (op === "in") {
    if (Array.isArray(r)) return r.some((x) => deepEqual(x, l));
    if (isObject(r)) return typeof l === "string" && l in r;
    throw new CelEvalError("no matching overload for in");
  }
  if (op === "<" || op === "<=" || op === ">" || op === ">=") return compare(op, l, r);
  return arith(op, l, r);
};
