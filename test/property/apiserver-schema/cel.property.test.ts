// The CEL subset's parser and evaluator against JavaScript on random well-typed expressions. Both texts are
// rendered from one tree with the fewest parentheses the precedence table allows, so a precedence or
// associativity mistake in the parser changes the result.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { compileRule, evaluate } from "../../../src/apiserver/schema/cel";

type IntExpr =
  | { k: "lit"; v: number }
  | { k: "neg"; e: IntExpr }
  | { k: "bin"; op: "+" | "-" | "*" | "%" | "/"; l: IntExpr; r: IntExpr }
  | { k: "cond"; c: BoolExpr; t: IntExpr; f: IntExpr };
type BoolExpr =
  | { k: "blit"; v: boolean }
  | { k: "not"; e: BoolExpr }
  | { k: "cmp"; op: "<" | "<=" | ">" | ">=" | "==" | "!="; l: IntExpr; r: IntExpr }
  | { k: "logic"; op: "&&" | "||"; l: BoolExpr; r: BoolExpr };

/** A node `k` applying one of `ops` to two operands drawn from `operand`. */
const binary = <K extends string, Op extends string, E>(
  k: K,
  ops: ReadonlyArray<Op>,
  operand: fc.Arbitrary<E>,
) => fc.record({ k: fc.constant(k), op: fc.constantFrom(...ops), l: operand, r: operand });

const { int, bool } = fc.letrec<{ int: IntExpr; bool: BoolExpr }>((tie) => ({
  int: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ k: fc.constant("lit" as const), v: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ k: fc.constant("neg" as const), e: tie("int") as fc.Arbitrary<IntExpr> }),
    binary("bin", ["+", "-", "*"] as const, tie("int") as fc.Arbitrary<IntExpr>),
    // Divisors are non-zero literals: division by zero is an error in both languages.
    fc.record({
      k: fc.constant("bin" as const),
      op: fc.constantFrom("/" as const, "%" as const),
      l: tie("int") as fc.Arbitrary<IntExpr>,
      r: fc.record({ k: fc.constant("lit" as const), v: fc.integer({ min: 1, max: 7 }) }),
    }),
    fc.record({
      k: fc.constant("cond" as const),
      c: tie("bool") as fc.Arbitrary<BoolExpr>,
      t: tie("int") as fc.Arbitrary<IntExpr>,
      f: tie("int") as fc.Arbitrary<IntExpr>,
    }),
  ),
  bool: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ k: fc.constant("blit" as const), v: fc.boolean() }),
    fc.record({ k: fc.constant("not" as const), e: tie("bool") as fc.Arbitrary<BoolExpr> }),
    binary("cmp", ["<", "<=", ">", ">=", "==", "!="] as const, tie("int") as fc.Arbitrary<IntExpr>),
    binary("logic", ["&&", "||"] as const, tie("bool") as fc.Arbitrary<BoolExpr>),
  ),
}));

// Binding strength, loosest first: ?: < || < && < comparisons < + - < * / % < unary < literal.
const level = (e: IntExpr | BoolExpr): number => {
  switch (e.k) {
    case "cond":
      return 0;
    case "logic":
      return e.op === "||" ? 1 : 2;
    case "cmp":
      return 3;
    case "bin":
      return e.op === "+" || e.op === "-" ? 4 : 5;
    case "neg":
    case "not":
      return 6;
    default:
      return 7;
  }
};

/** Renders CEL (js = false) or JavaScript (js = true) text, parenthesising only where precedence needs it. */
const render = (e: IntExpr | BoolExpr, js: boolean): string => {
  const wrap = (child: IntExpr | BoolExpr, min: number) =>
    level(child) < min ? `(${render(child, js)})` : render(child, js);
  switch (e.k) {
    case "lit":
      return String(e.v);
    case "blit":
      return String(e.v);
    case "neg":
      return `-${wrap(e.e, 7)}`;
    case "not":
      return `!${wrap(e.e, 7)}`;
    case "cond":
      return `${wrap(e.c, 1)} ? ${wrap(e.t, 1)} : ${wrap(e.f, 0)}`;
    case "logic":
    case "cmp": {
      const lvl = level(e);
      const op = js && e.op === "==" ? "===" : js && e.op === "!=" ? "!==" : e.op;
      // Comparisons do not chain (CEL would read `a < b == c` as a type error), so both sides bind tighter.
      return `${wrap(e.l, e.k === "cmp" ? lvl + 1 : lvl)} ${op} ${wrap(e.r, lvl + 1)}`;
    }
    case "bin": {
      const lvl = level(e);
      if (js && e.op === "/") return `Math.trunc((${render(e.l, js)}) / (${render(e.r, js)}))`;
      return `${wrap(e.l, lvl)} ${e.op} ${wrap(e.r, lvl + 1)}`;
    }
  }
};

const celValue = (src: string): unknown => {
  const compiled = compileRule(src);
  if (compiled === null) throw new Error(`did not compile: ${src}`);
  return evaluate(compiled.expr, new Map());
};

describe("CEL subset", () => {
  test("evaluates random integer and boolean expressions as JavaScript does", () => {
    fc.assert(
      fc.property(fc.oneof(int, bool), (e) => {
        const reference = new Function(`return (${render(e, true)});`)() as unknown;
        const actual = celValue(render(e, false));
        expect(Object.is(actual, -0) ? 0 : actual).toEqual(Object.is(reference, -0) ? 0 : reference);
      }),
      { numRuns: 300 },
    );
  });
});
