import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  applyDefaults,
  type JSONSchemaProps,
  prune,
  pruneWithReport,
  validate,
} from "../../../src/apiserver/schema";
import { schemaArb, setAt, typedNodes, valueFor, withDefaults } from "./arbitraries";

const RUNS = { numRuns: 150 };
const schemaAndValue = schemaArb.chain((s) => valueFor(s).map((v) => [s, v] as const));

const wrongValue = (s: JSONSchemaProps): unknown =>
  s.type === "string" ? 42 : s.type === "boolean" ? 0 : "wrong";

describe("validate", () => {
  test("accepts every object generated from a schema", () => {
    fc.assert(
      fc.property(schemaAndValue, ([s, v]) => {
        expect(validate(s, v)).toEqual([]);
      }),
      RUNS,
    );
  });

  test("a value of the wrong type is rejected at its own field path", () => {
    const mutated = schemaAndValue.chain(([s, v]) => {
      const nodes = typedNodes(s, v);
      return fc.constantFrom(...nodes).map((node) => [s, v, node] as const);
    });
    fc.assert(
      fc.property(mutated, ([s, v, [path, keys, node]]) => {
        const causes = validate(s, setAt(v, keys, wrongValue(node)));
        expect(causes).toContainEqual(
          expect.objectContaining({ field: path, reason: "FieldValueTypeInvalid" }),
        );
      }),
      RUNS,
    );
  });

  test("a value outside an enum or above a maximum is rejected at its field path", () => {
    const bounded = schemaAndValue.chain(([s, v]) => {
      const nodes = typedNodes(s, v).filter(([, , n]) => n.enum !== undefined || n.maximum !== undefined);
      return nodes.length === 0
        ? fc.constant(undefined)
        : fc.constantFrom(...nodes).map((node) => [s, v, node] as const);
    });
    fc.assert(
      fc.property(bounded, (c) => {
        if (c === undefined) return;
        const [s, v, [path, keys, node]] = c;
        const bad = node.enum ? "NotInTheEnum" : node.maximum! + 1;
        const reason = node.enum ? "FieldValueNotSupported" : "FieldValueInvalid";
        expect(validate(s, setAt(v, keys, bad))).toContainEqual(
          expect.objectContaining({ field: path, reason }),
        );
      }),
      RUNS,
    );
  });
});

describe("string lengths", () => {
  test("minLength and maxLength count code points, astral characters as one", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "é", "😀", "\u{10FFFF}", "漢"), maxLength: 12 });
    const bound = fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined });
    fc.assert(
      fc.property(text, bound, bound, (v, minLength, maxLength) => {
        const n = [...v].length;
        const causes = validate({ type: "string", minLength, maxLength } as JSONSchemaProps, v);
        const expected = [
          ...(maxLength !== undefined && n > maxLength ? ["FieldValueTooLong"] : []),
          ...(minLength !== undefined && n < minLength ? ["FieldValueInvalid"] : []),
        ];
        expect(causes.map((c): string => c.reason)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("applyDefaults", () => {
  const defaulted = schemaArb.chain(withDefaults);

  test("is idempotent, on valid objects and on arbitrary JSON", () => {
    const input = defaulted.chain((s) =>
      fc.oneof(valueFor(s), fc.jsonValue({ maxDepth: 3 })).map((v) => [s, v] as const),
    );
    fc.assert(
      fc.property(input, ([s, v]) => {
        const once = applyDefaults(s, v);
        expect(applyDefaults(s, once)).toEqual(once);
      }),
      RUNS,
    );
  });

  test("keeps valid objects valid and never changes a value that is present", () => {
    const input = defaulted.chain((s) => valueFor(s).map((v) => [s, v] as const));
    fc.assert(
      fc.property(input, ([s, v]) => {
        const out = applyDefaults(s, v) as Record<string, unknown>;
        expect(validate(s, out)).toEqual([]);
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          if (x === null || typeof x !== "object") expect(out[k]).toEqual(x);
        }
      }),
      RUNS,
    );
  });
});

describe("prune", () => {
  const junk = "zzJunk";
  /** Adds a key no schema in the generator knows to every object the schema describes closed. */
  const addJunk = (s: JSONSchemaProps, v: unknown, path: string, added: string[]): unknown => {
    if (v === null || typeof v !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return v;
    if (Array.isArray(v)) return s.items ? v.map((x, i) => addJunk(s.items!, x, `${path}[${i}]`, added)) : v;
    const ap = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const child = s.properties?.[k] ?? ap;
      out[k] = child ? addJunk(child, x, path === "" ? k : `${path}.${k}`, added) : x;
    }
    if (!ap && s.type === "object") {
      out[junk] = { any: [1, "thing"] };
      added.push(path === "" ? junk : `${path}.${junk}`);
    }
    return out;
  };

  test("never removes schema-known fields", () => {
    fc.assert(
      fc.property(schemaAndValue, ([s, v]) => {
        expect(prune(s, v, false)).toEqual(v);
      }),
      RUNS,
    );
  });

  test("removes exactly the unknown fields, reports them, and is idempotent", () => {
    fc.assert(
      fc.property(schemaAndValue, ([s, v]) => {
        const added: string[] = [];
        const dirty = addJunk(s, v, "", added);
        const { value, pruned } = pruneWithReport(s, dirty, false);
        expect(value).toEqual(v);
        expect([...pruned]).toEqual(added.sort());
        expect(prune(s, value, false)).toEqual(value);
      }),
      RUNS,
    );
  });

  test("is idempotent on arbitrary JSON", () => {
    fc.assert(
      fc.property(schemaArb, fc.jsonValue({ maxDepth: 3 }), (s, x) => {
        const once = prune(s, x);
        expect(prune(s, once)).toEqual(once);
      }),
      RUNS,
    );
  });
});
