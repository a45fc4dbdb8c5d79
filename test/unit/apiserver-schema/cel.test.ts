import { describe, expect, test } from "bun:test";
import { CelEvalError, compileRule, evaluate } from "../../../src/apiserver/schema/cel";

const run = (rule: string, self: unknown = {}, oldSelf?: unknown): unknown => {
  const compiled = compileRule(rule);
  if (compiled === null) throw new Error(`unsupported: ${rule}`);
  return evaluate(
    compiled.expr,
    new Map<string, unknown>([
      ["self", self],
      ["oldSelf", oldSelf],
    ]),
  );
};

describe("CEL subset", () => {
  test("precedence and associativity", () => {
    expect(run("1 + 2 * 3 == 7")).toBe(true);
    expect(run("(1 + 2) * 3")).toBe(9);
    expect(run("10 - 4 - 3")).toBe(3);
    expect(run("7 / 2")).toBe(3);
    // JSON has one number type, so integral operands divide as CEL ints do (7.0 / 2.0 gives 3 here).
    expect(run("7.5 / 2")).toBe(3.75);
    expect(run("7 % 3")).toBe(1);
    expect(run("!false && true || false")).toBe(true);
    expect(run("-self.n < 0", { n: 2 })).toBe(true);
    expect(run("self.n > 1 ? 'big' : 'small'", { n: 2 })).toBe("big");
  });

  test("strings, lists, maps and functions", () => {
    expect(run("'a' + \"b\" == 'ab'")).toBe(true);
    expect(run("'it\\'s'")).toBe("it's");
    expect(run("[1, 2] + [3] == [1, 2, 3]")).toBe(true);
    expect(run("self.mode in ['Running', 'Suspended']", { mode: "Running" })).toBe(true);
    expect(run("'k' in self", { k: 1 })).toBe(true);
    expect(run("size(self.s) == 2 && self.s.size() == 2", { s: "éa" })).toBe(true);
    expect(
      run("self.name.startsWith('sb-') && self.name.endsWith('-1') && self.name.contains('x')", {
        name: "sb-x-1",
      }),
    ).toBe(true);
    expect(run("self.name.matches('^[a-z-]+$')", { name: "abc" })).toBe(true);
    expect(run("'n=' + string(self.n) + ', ok=' + string(true)", { n: 3 })).toBe("n=3, ok=true");
    expect(run("int('42') + int(2.7) == 44 && double('1.5') == 1.5")).toBe(true);
    expect(run("self.items[1].v", { items: [{ v: 1 }, { v: 2 }] })).toBe(2);
    expect(run("self['a-b']", { "a-b": 3 })).toBe(3);
    expect(run("self.all(k, self[k] > 0)", { a: 1, b: 2 })).toBe(true);
    expect(run("self.l.exists(x, x == 2)", { l: [1, 2] })).toBe(true);
    expect(run("has(self.a) && !has(self.b)", { a: null })).toBe(true);
    expect(run("self == oldSelf", { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(run("self == oldSelf", { a: [1] }, { a: [1, 2] })).toBe(false);
  });

  test("short-circuits before an error", () => {
    expect(run("has(self.x) && self.x > 1", {})).toBe(false);
    expect(run("true || 1 / 0 == 1")).toBe(true);
  });

  test("runtime errors are CelEvalErrors", () => {
    expect(() => run("self.missing", {})).toThrow(CelEvalError);
    expect(() => run("1 / 0")).toThrow(CelEvalError);
    expect(() => run("self.l[5]", { l: [] })).toThrow(CelEvalError);
    expect(() => run("1 + 'a'")).toThrow(CelEvalError);
    expect(() => run("1 && true")).toThrow(CelEvalError);
    expect(() => run("self.s.matches('(')", { s: "x" })).toThrow(CelEvalError);
    expect(() => run("int('x')")).toThrow(CelEvalError);
    expect(() => run("string([1])")).toThrow(CelEvalError);
  });

  test("rules outside the subset do not compile (and so are not enforced)", () => {
    for (const rule of [
      "self.map(x, x * 2).size() > 0",
      "timestamp(self.t) > now",
      "string(1, 2)",
      "quantity(self.q).isGreaterThan(quantity('1'))",
      "unknownVar == 1",
      "self.x.?y",
      "'unterminated",
      "has(self)",
      "1 +",
      "self.a ==",
    ]) {
      expect({ rule, compiled: compileRule(rule) }).toEqual({ rule, compiled: null });
    }
  });

  test("transition rules are recognised by their use of oldSelf", () => {
    expect(compileRule("self == oldSelf")?.transition).toBe(true);
    expect(compileRule("self.all(x, x in oldSelf)")?.transition).toBe(true);
    expect(compileRule("self.size() > 0")?.transition).toBe(false);
  });
});
