import { describe, expect, test } from "bun:test";
import { checkStructural } from "../../../src/apiserver/schema";
import { sandboxSchema } from "./fixtures";

const base = "spec.versions[0].schema.openAPIV3Schema";
const fields = (schema: unknown) => checkStructural(schema, base).map((c) => `${c.field}: ${c.message}`);

describe("checkStructural", () => {
  test("accepts a structural schema", () => {
    expect(checkStructural(sandboxSchema, base)).toEqual([]);
  });

  test("every field needs a type unless it preserves unknown fields or is int-or-string", () => {
    expect(
      fields({ type: "object", properties: { spec: { properties: { a: { type: "string" } } } } }),
    ).toEqual([
      `${base}.properties[spec].type: Required value: must not be empty for specified object fields`,
    ]);
  });

  test("the root must be an object and arrays need items", () => {
    expect(fields({ type: "array" })).toEqual([
      `${base}.type: Invalid value: "array": must be object at the root`,
      `${base}.items: Required value: must be specified`,
    ]);
  });

  test("rejects unsupported or forbidden keywords", () => {
    const s = {
      type: "object",
      properties: {
        a: {
          type: "object",
          properties: { x: { type: "string" } },
          additionalProperties: { type: "string" },
        },
        b: { type: "object", additionalProperties: false },
        c: { $ref: "#/definitions/x" },
        d: { type: "strin" },
        e: { type: "array", items: { type: "string" }, uniqueItems: true },
        f: { type: "string", pattern: "([" },
      },
    };
    expect(fields(s)).toEqual([
      `${base}.properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      `${base}.properties[b].additionalProperties: Forbidden: additionalProperties cannot be set to false`,
      `${base}.properties[c].$ref: Forbidden: $ref is not supported`,
      `${base}.properties[c].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[d].type: Unsupported value: "strin": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${base}.properties[e].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      `${base}.properties[f].pattern: Invalid value: "([": must be a valid regular expression`,
    ]);
  });

  test("value validations may not carry structure", () => {
    const s = {
      type: "object",
      properties: { a: { type: "string" } },
      anyOf: [{ required: ["a"] }, { type: "object", properties: { b: { pattern: "x" } } }],
    };
    expect(fields(s)).toEqual([
      `${base}.anyOf[1].type: Forbidden: must be empty to be structural`,
      `${base}.anyOf[1].properties[b]: Forbidden: must have a corresponding property in the structural schema`,
    ]);
  });

  test("root metadata may only constrain name and generateName", () => {
    const ok = {
      type: "object",
      properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 20 } } } },
    };
    expect(fields(ok)).toEqual([]);
    const bad = {
      type: "object",
      properties: { metadata: { type: "object", properties: { labels: { type: "object" } } } },
    };
    expect(fields(bad)).toEqual([
      `${base}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ]);
  });

  test("list-type and embedded-resource constraints", () => {
    const s = {
      type: "object",
      properties: {
        a: { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "map" },
        b: { type: "string", "x-kubernetes-list-type": "set" },
        c: { type: "string", "x-kubernetes-embedded-resource": true },
        d: { type: "string", "x-kubernetes-int-or-string": true },
      },
    };
    expect(fields(s)).toEqual([
      `${base}.properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${base}.properties[b].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`,
      `${base}.properties[c].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
      `${base}.properties[c].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      `${base}.properties[d].type: Invalid value: "string": must be empty if x-kubernetes-int-or-string is true`,
    ]);
  });

  test("a default is checked with its nested defaults applied, and must not carry unknown fields", () => {
    const strategy = {
      type: "object",
      default: {},
      required: ["type"],
      properties: { type: { type: "string", default: "OnReplenish" } },
    };
    expect(fields({ type: "object", properties: { strategy } })).toEqual([]);
    const unknown = { ...strategy, default: { type: "Recreate", extra: 1 } };
    expect(fields({ type: "object", properties: { strategy: unknown } })).toEqual([
      `${base}.properties[strategy].default: Invalid value: {"type":"Recreate","extra":1}: must not have unknown fields`,
    ]);
  });

  test("defaults must validate against their own schema", () => {
    const s = { type: "object", properties: { mode: { type: "string", enum: ["A", "B"], default: "C" } } };
    expect(fields(s)).toEqual([
      `${base}.properties[mode].default: Unsupported value: "C": supported values: "A", "B"`,
    ]);
  });

  test("garbage is rejected, not thrown on", () => {
    expect(fields("nope")).toEqual([`${base}: Invalid value: "nope": must be a schema object`]);
    expect(fields({ type: "object", properties: { a: 5 } })).toEqual([
      `${base}.properties[a]: Invalid value: 5: must be a schema object`,
    ]);
  });
});
