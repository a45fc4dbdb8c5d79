// Parser for the CEL subset: literals, self/oldSelf, field selection, indexing, has(), the logical,
// comparison, arithmetic and conditional operators, `in`, list literals, a few string/size/conversion functions and
// the all/exists comprehensions. Anything else throws CelUnsupported at compile time.
import { CelUnsupported, type Token, tokenize } from "./lexer";

export type Expr =
  | { readonly k: "lit"; readonly v: unknown }
  | { readonly k: "var"; readonly name: string }
  | { readonly k: "select"; readonly obj: Expr; readonly field: string }
  | { readonly k: "has"; readonly obj: Expr; readonly field: string }
  | { readonly k: "index"; readonly obj: Expr; readonly index: Expr }
  | { readonly k: "call"; readonly fn: string; readonly target: Expr; readonly args: ReadonlyArray<Expr> }
  | { readonly k: "all" | "exists"; readonly range: Expr; readonly v: string; readonly body: Expr }
  | { readonly k: "not" | "neg"; readonly e: Expr }
  | { readonly k: "bin"; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly k: "cond"; readonly c: Expr; readonly t: Expr; readonly f: Expr }
  | { readonly k: "list"; readonly items: ReadonlyArray<Expr> };

const METHODS: Readonly<Record<string, number>> = {
  startsWith: 1,
  endsWith: 1,
  contains: 1,
  matches: 1,
  size: 0,
};
/** One-argument global functions: `size(x)` and the conversions messageExpressions use. */
const GLOBALS = new Set(["size", "string", "int", "double"]);
const BINARY_LEVELS: ReadonlyArray<ReadonlyArray<string>> = [
  ["||"],
  ["&&"],
  ["==", "!=", "<", "<=", ">", ">=", "in"],
  ["+", "-"],
  ["*", "/", "%"],
];

class Parser {
  private pos = 0;
  private readonly scope: string[] = ["self", "oldSelf"];
  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return (t.t === "op" || t.t === "id") && t.v === v;
  }
  private eat(v: string): void {
    if (!this.isOp(v)) throw new CelUnsupported(`expected ${v}`);
    this.pos++;
  }
  private ident(): string {
    const t = this.peek();
    if (t.t !== "id") throw new CelUnsupported("expected identifier");
    this.pos++;
    return t.v;
  }

  parseAll(): Expr {
    const e = this.expr();
    if (this.peek().t !== "end") throw new CelUnsupported("trailing input");
    return e;
  }

  private expr(): Expr {
    const c = this.binary(0);
    if (!this.isOp("?")) return c;
    this.pos++;
    const t = this.expr();
    this.eat(":");
    return { k: "cond", c, t, f: this.expr() };
  }

  private binary(level: number): Expr {
    const ops = BINARY_LEVELS[level];
    if (ops === undefined) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const op = ops.find((o) => this.isOp(o));
      if (op === undefined) return l;
      this.pos++;
      l = { k: "bin", op, l, r: this.binary(level + 1) };
    }
  }

  private unary(): Expr {
    if (this.isOp("!")) {
      this.pos++;
      return { k: "not", e: this.unary() };
    }
    if (this.isOp("-")) {
      this.pos++;
      return { k: "neg", e: this.unary() };
    }
    return this.member(this.primary());
  }

  private member(start: Expr): Expr {
    let e = start;
    for (;;) {
      if (this.isOp(".")) {
        this.pos++;
        const name = this.ident();
        e = this.isOp("(") ? this.method(e, name) : { k: "select", obj: e, field: name };
      } else if (this.isOp("[")) {
        this.pos++;
        const index = this.expr();
        this.eat("]");
        e = { k: "index", obj: e, index };
      } else return e;
    }
  }

  private method(target: Expr, name: string): Expr {
    this.eat("(");
    if (name === "all" || name === "exists") {
      const v = this.ident();
      this.eat(",");
      this.scope.push(v);
      const body = this.expr();
      this.scope.pop();
      this.eat(")");
      return { k: name, range: target, v, body };
    }
    const arity = METHODS[name];
    if (arity === undefined) throw new CelUnsupported(`unsupported function ${name}`);
    const args = this.args();
    if (args.length !== arity) throw new CelUnsupported(`${name} takes ${arity} arguments`);
    return { k: "call", fn: name, target, args };
  }

  private args(): Expr[] {
    const out: Expr[] = [];
    while (!this.isOp(")")) {
      out.push(this.expr());
      if (!this.isOp(")")) this.eat(",");
    }
    this.pos++;
    return out;
  }

  private primary(): Expr {
    const t = this.peek();
    this.pos++;
    if (t.t === "num") return { k: "lit", v: t.v };
    if (t.t === "str") return { k: "lit", v: t.v };
    if (t.t === "op" && t.v === "(") {
      const e = this.expr();
      this.eat(")");
      return e;
    }
    if (t.t === "op" && t.v === "[") {
      const items: Expr[] = [];
      while (!this.isOp("]")) {
        items.push(this.expr());
        if (!this.isOp("]")) this.eat(",");
      }
      this.pos++;
      return { k: "list", items };
    }
    if (t.t !== "id") throw new CelUnsupported("unexpected token");
    if (t.v === "true" || t.v === "false") return { k: "lit", v: t.v === "true" };
    if (t.v === "null") return { k: "lit", v: null };
    if (t.v === "has") return this.has();
    if (GLOBALS.has(t.v) && this.isOp("(")) {
      this.pos++;
      const [arg, ...rest] = this.args();
      if (arg === undefined || rest.length > 0) throw new CelUnsupported(`${t.v} takes one argument`);
      return { k: "call", fn: t.v, target: arg, args: [] };
    }
    if (!this.scope.includes(t.v)) throw new CelUnsupported(`unknown identifier ${t.v}`);
    return { k: "var", name: t.v };
  }

  private has(): Expr {
    this.eat("(");
    const arg = this.member(this.primary());
    this.eat(")");
    if (arg.k !== "select") throw new CelUnsupported("has() needs a field selection");
    return { k: "has", obj: arg.obj, field: arg.field };
  }
}

export const parse = (src: string): Expr => new Parser(tokenize(src)).parseAll();

/** Whether an expression reads `oldSelf`, which makes it a transition rule. */
export const usesOldSelf = (e: Expr): boolean => {
  switch (e.k) {
    case "lit":
      return false;
    case "var":
      return e.name === "oldSelf";
    case "select":
    case "has":
      return usesOldSelf(e.obj);
    case "index":
      return usesOldSelf(e.obj) || usesOldSelf(e.index);
    case "call":
      return usesOldSelf(e.target) || e.args.some(usesOldSelf);
    case "all":
    case "exists":
      return usesOldSelf(e.range) || usesOldSelf(e.body);
    case "not":
    case "neg":
      return usesOldSelf(e.e);
    case "bin":
      return usesOldSelf(e.l) || usesOldSelf(e.r);
    case "cond":
      return usesOldSelf(e.c) || usesOldSelf(e.t) || usesOldSelf(e.f);
    case "list":
      return e.items.some(usesOldSelf);
  }
};
