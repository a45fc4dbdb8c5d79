// Random structural schemas and, for each, random objects that conform to it.
import fc from "fast-check";
import type { JSONSchemaProps } from "../../../src/apiserver/schema";

const key = fc.stringMatching(/^[a-z]{1,6}$/);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const compact = (o: Record<string, unknown>): JSONSchemaProps =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as JSONSchemaProps;

const stringSchema = fc
  .record({
    kind: fc.constantFrom("plain", "enum", "date-time"),
    min: opt(fc.integer({ min: 0, max: 3 })),
    extra: opt(fc.integer({ min: 0, max: 6 })),
    values: fc.uniqueArray(fc.stringMatching(/^[A-Za-z]{1,8}$/), { minLength: 1, maxLength: 4 }),
    nullable: opt(fc.boolean()),
  })
  .map(({ kind, min, extra, values, nullable }) =>
    compact({
      type: "string",
      nullable,
      ...(kind === "enum" ? { enum: values } : {}),
      ...(kind === "date-time" ? { format: "date-time" } : {}),
      ...(kind === "plain"
        ? { minLength: min, maxLength: extra === undefined ? undefined : (min ?? 0) + extra }
        : {}),
    }),
  );

const numberSchema = fc
  .record({
    type: fc.constantFrom("integer" as const, "number" as const),
    min: opt(fc.integer({ min: -1000, max: 1000 })),
    span: opt(fc.integer({ min: 0, max: 1000 })),
  })
  .map(({ type, min, span }) =>
    compact({ type, minimum: min, maximum: span === undefined ? undefined : (min ?? 0) + span }),
  );

const leafSchema: fc.Arbitrary<JSONSchemaProps> = fc.oneof(
  stringSchema,
  numberSchema,
  fc.constant<JSONSchemaProps>({ type: "boolean" }),
  fc.constant<JSONSchemaProps>({ "x-kubernetes-int-or-string": true }),
  fc.constant<JSONSchemaProps>({ type: "object", "x-kubernetes-preserve-unknown-fields": true }),
);

const schemaOfDepth = (depth: number): fc.Arbitrary<JSONSchemaProps> => {
  if (depth === 0) return leafSchema;
  const child = schemaOfDepth(depth - 1);
  const object = fc
    .dictionary(key, child, { minKeys: 1, maxKeys: 4 })
    .chain((properties) =>
      fc
        .subarray(Object.keys(properties))
        .map((required) => compact({ type: "object", properties, required })),
    );
  const map = child.map(
    (additionalProperties) => ({ type: "object", additionalProperties }) as JSONSchemaProps,
  );
  const array = fc
    .record({
      items: child,
      min: opt(fc.integer({ min: 0, max: 2 })),
      extra: opt(fc.integer({ min: 0, max: 3 })),
    })
    .map(({ items, min, extra }) =>
      compact({
        type: "array",
        items,
        minItems: min,
        maxItems: extra === undefined ? undefined : (min ?? 0) + extra,
        "x-kubernetes-list-type": "atomic",
      }),
    );
  return fc.oneof(
    { weight: 2, arbitrary: object },
    { weight: 1, arbitrary: map },
    { weight: 1, arbitrary: array },
    leafSchema,
  );
};

/** A schema whose root is an object, as every CRD schema is. */
export const schemaArb: fc.Arbitrary<JSONSchemaProps> = fc
  .dictionary(key, schemaOfDepth(2), { minKeys: 1, maxKeys: 4 })
  .map((properties) => ({ type: "object", properties }));

const dateTime = fc
  .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

const nonNull = (s: JSONSchemaProps): fc.Arbitrary<unknown> => {
  if (s["x-kubernetes-int-or-string"]) return fc.oneof(fc.integer(), fc.string());
  if (s["x-kubernetes-preserve-unknown-fields"])
    return fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
  switch (s.type) {
    case "string":
      if (s.enum) return fc.constantFrom(...s.enum);
      if (s.format === "date-time") return dateTime;
      return fc.string({ minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 10 });
    case "integer":
      return fc.integer({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6 });
    case "number":
      return fc.double({
        min: s.minimum ?? -1e6,
        max: s.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(valueFor(s.items!), { minLength: s.minItems ?? 0, maxLength: s.maxItems ?? 3 });
    default: {
      if (typeof s.additionalProperties === "object") {
        return fc.dictionary(key, valueFor(s.additionalProperties), { maxKeys: 3 });
      }
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, valueFor(p)]));
      return fc.record(model, { requiredKeys: [...(s.required ?? [])] });
    }
  }
};

/** Objects that validate against `s`. */
export const valueFor = (s: JSONSchemaProps): fc.Arbitrary<unknown> =>
  s.nullable ? fc.oneof(fc.constant(null), nonNull(s)) : nonNull(s);

/** The same schema with some properties given a default (itself drawn from the property's schema). */
export const withDefaults = (s: JSONSchemaProps): fc.Arbitrary<JSONSchemaProps> => {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  if (s.properties) {
    parts.properties = fc.record(
      Object.fromEntries(
        Object.entries(s.properties).map(([k, p]) => [
          k,
          withDefaults(p).chain((q) =>
            fc
              .boolean()
              .chain((give) =>
                give ? valueFor(q).map((d) => (d === null ? q : { ...q, default: d })) : fc.constant(q),
              ),
          ),
        ]),
      ),
    );
  }
  if (s.items) parts.items = withDefaults(s.items);
  if (typeof s.additionalProperties === "object")
    parts.additionalProperties = withDefaults(s.additionalProperties);
  return fc.record(parts).map((p) => ({ ...s, ...p }) as JSONSchemaProps);
};

/** Every typed node of a value, as [field path, path keys, schema]. */
export const typedNodes = (
  s: JSONSchemaProps,
  v: unknown,
  path = "",
  keys: ReadonlyArray<string | number> = [],
): Array<[string, ReadonlyArray<string | number>, JSONSchemaProps]> => {
  if (v === null || v === undefined) return [];
  const here: Array<[string, ReadonlyArray<string | number>, JSONSchemaProps]> = s.type
    ? [[path, keys, s]]
    : [];
  if (Array.isArray(v) && s.items) {
    return [...here, ...v.flatMap((x, i) => typedNodes(s.items!, x, `${path}[${i}]`, [...keys, i]))];
  }
  if (typeof v === "object" && !s["x-kubernetes-preserve-unknown-fields"]) {
    return [
      ...here,
      ...Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
        const child =
          s.properties?.[k] ??
          (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
        return child ? typedNodes(child, x, path === "" ? k : `${path}.${k}`, [...keys, k]) : [];
      }),
    ];
  }
  return here;
};

/** A copy of `root` with the value at `keys` replaced. */
export const setAt = (root: unknown, keys: ReadonlyArray<string | number>, value: unknown): unknown => {
  if (keys.length === 0) return value;
  const [k, ...rest] = keys;
  if (Array.isArray(root)) return root.map((x, i) => (i === k ? setAt(x, rest, value) : x));
  const o = root as Record<string, unknown>;
  return { ...o, [k as string]: setAt(o[k as string], rest, value) };
};
