// Compiled CEL rules, cached by source text: schemas are reused across requests and rules are few.
import { CelUnsupported } from "./lexer";
import { type Expr, parse, usesOldSelf } from "./parser";

export { CelEvalError, deepEqual, evaluate } from "./eval";
export { CelUnsupported } from "./lexer";

export interface CompiledRule {
  readonly expr: Expr;
  readonly transition: boolean;
}

const cache = new Map<string, CompiledRule | null>();
// Rules come from CRDs, so the set is small; the bound only guards against CRD churn growing it forever.
const CACHE_LIMIT = 4096;

/** The compiled rule, or null when it lies outside the supported subset (such rules are not enforced). */
export const compileRule = (rule: string): CompiledRule | null => {
  const hit = cache.get(rule);
  if (hit !== undefined) return hit;
  let compiled: CompiledRule | null;
  try {
    const expr = parse(rule);
    compiled = { expr, transition: usesOldSelf(expr) };
  } catch (e) {
    if (!(e instanceof CelUnsupported)) throw e;
    compiled = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(rule, compiled);
  return compiled;
};
