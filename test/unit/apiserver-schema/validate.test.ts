import { describe, expect, test } from "bun:test";
import { validate, validateUpdate } from "../../../src/apiserver/schema";
import { sandboxSchema, validSandbox } from "./fixtures";

const withSpec = (spec: Record<string, unknown>) => {
  const o = validSandbox();
  return { ...o, spec: { ...o.spec, ...spec } };
};

describe("validate", () => {
  test("accepts a valid object", () => {
    expect(validate(sandboxSchema, validSandbox())).toEqual([]);
  });

  test("maximum, worded as kube-apiserver", () => {
    expect(validate(sandboxSchema, withSpec({ replicas: 2 }))).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: 2: spec.replicas in body should be less than or equal to 1",
        field: "spec.replicas",
      },
    ]);
  });

  test("minimum", () => {
    expect(validate(sandboxSchema, withSpec({ replicas: -1 }))[0]?.message).toBe(
      "Invalid value: -1: spec.replicas in body should be greater than or equal to 0",
    );
  });

  test("exclusive bounds", () => {
    const s = {
      type: "number",
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    } as const;
    expect(validate(s, 0, "x").map((c) => c.message)).toEqual([
      "Invalid value: 0: x in body should be greater than 0",
    ]);
    expect(validate(s, 1, "x").map((c) => c.message)).toEqual([
      "Invalid value: 1: x in body should be less than 1",
    ]);
    expect(validate(s, 0.5, "x")).toEqual([]);
  });

  test("enum", () => {
    expect(validate(sandboxSchema, withSpec({ operatingMode: "Foo" }))).toEqual([
      {
        reason: "FieldValueNotSupported",
        message: 'Unsupported value: "Foo": supported values: "Running", "Suspended"',
        field: "spec.operatingMode",
      },
    ]);
  });

  test("required, at the right path", () => {
    const o = validSandbox();
    const causes = validate(sandboxSchema, { ...o, spec: { podTemplate: { spec: { containers: [{}] } } } });
    expect(causes).toEqual([
      {
        reason: "FieldValueRequired",
        message: "Required value",
        field: "spec.podTemplate.spec.containers[0].name",
      },
    ]);
    expect(validate(sandboxSchema, { ...o, spec: {} })).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.podTemplate" },
    ]);
  });

  test("type errors name the expected and actual types", () => {
    expect(validate(sandboxSchema, withSpec({ replicas: "one" }))).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        field: "spec.replicas",
      },
    ]);
    expect(validate(sandboxSchema, withSpec({ replicas: 0.5 }))[0]?.message).toContain(
      'must be of type integer: "number"',
    );
  });

  test("null is accepted only where nullable", () => {
    expect(validate(sandboxSchema, withSpec({ note: null }))).toEqual([]);
    expect(validate(sandboxSchema, withSpec({ operatingMode: null }))[0]?.message).toBe(
      'Invalid value: "null": spec.operatingMode in body must be of type string: "null"',
    );
  });

  test("string length and pattern", () => {
    expect(validate(sandboxSchema, withSpec({ name: "abcdef" }))).toEqual([
      { reason: "FieldValueTooLong", message: "Too long: may not be more than 5 bytes", field: "spec.name" },
    ]);
    expect(validate(sandboxSchema, withSpec({ name: "a" }))[0]?.message).toBe(
      'Invalid value: "a": spec.name in body should be at least 2 chars long',
    );
    expect(validate(sandboxSchema, withSpec({ name: "AB" }))[0]?.message).toBe(
      "Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'",
    );
  });

  test("date-time format", () => {
    expect(validate(sandboxSchema, withSpec({ shutdownTime: "2026-01-02T03:04:05Z" }))).toEqual([]);
    expect(validate(sandboxSchema, withSpec({ shutdownTime: "2026-01-02T03:04:05.123+02:00" }))).toEqual([]);
    expect(validate(sandboxSchema, withSpec({ shutdownTime: "tomorrow" }))).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        message: 'Invalid value: "tomorrow": spec.shutdownTime in body must be of type date-time: "tomorrow"',
        field: "spec.shutdownTime",
      },
    ]);
    expect(validate(sandboxSchema, withSpec({ shutdownTime: "2026-02-30T00:00:00Z" }))).toHaveLength(1);
  });

  test("int-or-string", () => {
    expect(validate(sandboxSchema, withSpec({ port: 8080 }))).toEqual([]);
    expect(validate(sandboxSchema, withSpec({ port: "http" }))).toEqual([]);
    expect(validate(sandboxSchema, withSpec({ port: true }))[0]?.message).toBe(
      'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    );
  });

  test("additionalProperties schema applies to every value", () => {
    expect(validate(sandboxSchema, withSpec({ labels: { a: "x", b: 1 } }))).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        message: 'Invalid value: "integer": spec.labels.b in body must be of type string: "integer"',
        field: "spec.labels.b",
      },
    ]);
  });

  test("maxItems, minItems and list-type set/map duplicates", () => {
    expect(validate(sandboxSchema, withSpec({ tags: ["a", "b", "c"] }))[0]).toEqual({
      reason: "FieldValueTooMany",
      message: "Too many: 3: must have at most 2 items",
      field: "spec.tags",
    });
    expect(validate(sandboxSchema, withSpec({ tags: ["a", "a"] }))).toEqual([
      { reason: "FieldValueDuplicate", message: 'Duplicate value: "a"', field: "spec.tags[1]" },
    ]);
    const dup = withSpec({ podTemplate: { spec: { containers: [{ name: "a" }, { name: "a" }] } } });
    expect(validate(sandboxSchema, dup)).toEqual([
      {
        reason: "FieldValueDuplicate",
        message: 'Duplicate value: {"name":"a"}',
        field: "spec.podTemplate.spec.containers[1]",
      },
    ]);
    const none = withSpec({ podTemplate: { spec: { containers: [] } } });
    expect(validate(sandboxSchema, none)[0]?.message).toBe(
      "Invalid value: 0: spec.podTemplate.spec.containers in body should have at least 1 items",
    );
  });

  test("embedded resources need apiVersion and kind", () => {
    expect(validate(sandboxSchema, withSpec({ resource: { spec: {} } }))).toEqual([
      {
        reason: "FieldValueRequired",
        message: "Required value: must not be empty",
        field: "spec.resource.apiVersion",
      },
      {
        reason: "FieldValueRequired",
        message: "Required value: must not be empty",
        field: "spec.resource.kind",
      },
    ]);
  });

  test("basePath prefixes every field", () => {
    expect(validate({ type: "integer", maximum: 3 }, 4, "status.replicas")[0]?.field).toBe("status.replicas");
  });

  test("anyOf/oneOf/not value validations", () => {
    const s = { type: "string", anyOf: [{ pattern: "^a" }, { pattern: "^b" }] } as const;
    expect(validate(s, "apple", "x")).toEqual([]);
    expect(validate(s, "cherry", "x")[0]?.message).toBe(
      'Invalid value: "": "x" must validate at least one schema (anyOf)',
    );
    const one = { type: "string", oneOf: [{ pattern: "^a" }, { pattern: "e$" }] } as const;
    expect(validate(one, "apple", "x")[0]?.message).toContain("Found 2 valid alternatives");
    expect(validate({ type: "string", not: { enum: ["no"] } }, "no", "x")).toHaveLength(1);
  });
});

describe("x-kubernetes-validations", () => {
  test("transition rules are not evaluated on create", () => {
    expect(validate(sandboxSchema, withSpec({ volumeClaimTemplates: [{ a: 1 }] }))).toEqual([]);
  });

  test("immutability rule rejects a change with the rule's message", () => {
    const old = withSpec({ volumeClaimTemplates: [{ a: 1 }] });
    expect(validateUpdate(sandboxSchema, withSpec({ volumeClaimTemplates: [{ a: 1 }] }), old)).toEqual([]);
    expect(validateUpdate(sandboxSchema, withSpec({ volumeClaimTemplates: [{ a: 2 }] }), old)).toEqual([
      {
        reason: "FieldValueInvalid",
        message: 'Invalid value: "object": volumeClaimTemplates is immutable',
        field: "spec",
      },
    ]);
    expect(validateUpdate(sandboxSchema, validSandbox(), old)).toHaveLength(1);
    expect(validateUpdate(sandboxSchema, old, validSandbox())).toHaveLength(1);
  });

  test("self == oldSelf, reasons, fieldPath and default message", () => {
    const s = {
      type: "object",
      properties: {
        id: {
          type: "string",
          "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "id is immutable" }],
        },
        size: {
          type: "integer",
          "x-kubernetes-validations": [{ rule: "self >= oldSelf", reason: "FieldValueForbidden" as const }],
        },
      },
      "x-kubernetes-validations": [{ rule: "self.id.startsWith('x-')", fieldPath: ".id" }],
    } as const;
    expect(validateUpdate(s, { id: "x-1", size: 2 }, { id: "x-1", size: 1 })).toEqual([]);
    expect(validateUpdate(s, { id: "x-2", size: 0 }, { id: "x-1", size: 1 })).toEqual([
      { reason: "FieldValueInvalid", message: 'Invalid value: "string": id is immutable', field: "id" },
      { reason: "FieldValueForbidden", message: "Forbidden: failed rule: self >= oldSelf", field: "size" },
    ]);
    expect(validate(s, { id: "y" })).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: \"object\": failed rule: self.id.startsWith('x-')",
        field: "id",
      },
    ]);
  });

  test("messageExpression is used when it yields a string, message otherwise", () => {
    const s = {
      type: "integer",
      "x-kubernetes-validations": [
        {
          rule: "self < 10",
          messageExpression: "'must be below 10, got ' + string(self)",
          message: "unused",
        },
        { rule: "self < 15", messageExpression: "'not ' + self.format('%d')", message: "too big" },
        { rule: "self < 20", messageExpression: "self > 0 ? 'too large' : ''", message: "unused" },
        { rule: "self < 30", messageExpression: "self.missing", message: "fallback" },
      ],
    } as const;
    expect(validate(s, 35, "n").map((c) => c.message)).toEqual([
      'Invalid value: "integer": must be below 10, got 35',
      'Invalid value: "integer": too big',
      'Invalid value: "integer": too large',
      'Invalid value: "integer": fallback',
    ]);
  });

  test("rules over collections: size, all, exists, in", () => {
    const s = {
      type: "array",
      items: { type: "string" },
      "x-kubernetes-validations": [
        { rule: "size(self) <= 2 && self.all(x, x.size() > 0)", message: "bad" },
        { rule: "!self.exists(x, x == 'root') && !('admin' in self)", message: "reserved" },
      ],
    } as const;
    expect(validate(s, ["a"], "l")).toEqual([]);
    expect(validate(s, ["a", ""], "l").map((c) => c.message)).toEqual(['Invalid value: "array": bad']);
    expect(validate(s, ["admin"], "l").map((c) => c.message)).toEqual(['Invalid value: "array": reserved']);
  });

  test("an evaluation error is reported, an unsupported rule is ignored", () => {
    const s = {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      "x-kubernetes-validations": [
        { rule: "self.missing == 1" },
        { rule: "self.map(x, x).size() > 0 || quantity('1') > 0" },
      ],
    } as const;
    const causes = validate(s, { other: 1 }, "spec");
    expect(causes).toHaveLength(1);
    expect(causes[0]?.message).toBe(
      'Invalid value: "object": rule evaluation error: self.missing == 1: no such key: missing',
    );
  });

  test("transition rules inside map lists correlate by key; atomic lists do not correlate", () => {
    const s = {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        properties: { name: { type: "string" }, v: { type: "integer" } },
        "x-kubernetes-validations": [{ rule: "self.v == oldSelf.v", message: "v is immutable" }],
      },
    } as const;
    const old = [
      { name: "a", v: 1 },
      { name: "b", v: 2 },
    ];
    expect(
      validateUpdate(
        s,
        [
          { name: "b", v: 2 },
          { name: "a", v: 1 },
          { name: "c", v: 9 },
        ],
        old,
        "l",
      ),
    ).toEqual([]);
    expect(validateUpdate(s, [{ name: "b", v: 3 }], old, "l").map((c) => c.field)).toEqual(["l[0]"]);
    const atomic = { type: "array", "x-kubernetes-list-type": "atomic", items: s.items } as const;
    expect(validateUpdate(atomic, [{ name: "b", v: 3 }], old, "l")).toEqual([]);
  });
});

describe("validateUpdate ratcheting", () => {
  test("an unchanged invalid value is kept, a changed one is rejected", () => {
    const old = withSpec({ replicas: 5, name: "TOOLONGNAME" });
    expect(
      validateUpdate(
        sandboxSchema,
        withSpec({ replicas: 5, name: "TOOLONGNAME", operatingMode: "Suspended" }),
        old,
      ),
    ).toEqual([]);
    expect(
      validateUpdate(sandboxSchema, withSpec({ replicas: 6, name: "TOOLONGNAME" }), old).map((c) => c.field),
    ).toEqual(["spec.replicas"]);
    expect(validateUpdate(sandboxSchema, old, old)).toEqual([]);
  });

  test("items of map lists ratchet by key; a new item is validated", () => {
    const bad = { name: "a", ports: [{ containerPort: "http" }] };
    const old = withSpec({ podTemplate: { spec: { containers: [bad] } } });
    const reordered = withSpec({ podTemplate: { spec: { containers: [{ name: "b" }, bad] } } });
    expect(validateUpdate(sandboxSchema, reordered, old)).toEqual([]);
    const added = withSpec({ podTemplate: { spec: { containers: [bad, { ...bad, name: "c" }] } } });
    expect(validateUpdate(sandboxSchema, added, old).map((c) => c.field)).toEqual([
      "spec.podTemplate.spec.containers[1].ports[0].containerPort",
    ]);
  });
});
