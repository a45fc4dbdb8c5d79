import { expect, setDefaultTimeout, test } from "bun:test";
import { Either } from "effect";
import fc from "fast-check";
import {
  formatSelector,
  fromLabelSelector,
  fromLabels,
  matches,
  parseSelector,
  type Requirement,
} from "../../../src/kube/selector";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,10}[a-z0-9])?$/);
const labelKey = fc.oneof(
  name,
  fc.tuple(fc.stringMatching(/^[a-z]([a-z0-9.-]{0,8}[a-z0-9])?$/), name).map(([p, n]) => `${p}/${n}`),
);
const value = fc.oneof(fc.constant(""), name);
const requirement: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({ key: labelKey, op: fc.constantFrom("=" as const, "!=" as const), value }),
  fc.record({
    key: labelKey,
    op: fc.constantFrom("in" as const, "notin" as const),
    values: fc.array(name, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ key: labelKey, op: fc.constantFrom("exists" as const, "!exists" as const) }),
);
const labels = fc.dictionary(labelKey, value, { maxKeys: 5 });

test("format then parse gives the selector back", () => {
  fc.assert(
    fc.property(fc.array(requirement, { maxLength: 5 }), (sel) => {
      expect(parseSelector(formatSelector(sel))).toEqual(Either.right(sel));
    }),
  );
});

test("parsing arbitrary text never throws; garbage is a SelectorError", () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const r = parseSelector(s);
      if (Either.isLeft(r)) expect(r.left._tag).toBe("SelectorError");
    }),
  );
  for (const bad of ["a=b=c", "in (x)", "a in x", "=x", "a b", "a in (b", "!"]) {
    expect(Either.isLeft(parseSelector(bad))).toBe(true);
  }
});

test("a selector built from labels matches exactly the supersets of those labels", () => {
  fc.assert(
    fc.property(labels, labels, (want, have) => {
      const superset = Object.entries(want).every(([k, v]) => Object.hasOwn(have, k) && have[k] === v);
      expect(matches(fromLabels(want), have)).toBe(superset);
      expect(matches(fromLabels(want), { ...have, ...want })).toBe(true);
    }),
  );
});

test("negated requirements are complements", () => {
  fc.assert(
    fc.property(labelKey, fc.array(name, { minLength: 1, maxLength: 3 }), labels, (key, values, ls) => {
      const v = values[0] ?? "";
      expect(matches([{ key, op: "!=", value: v }], ls)).toBe(!matches([{ key, op: "=", value: v }], ls));
      expect(matches([{ key, op: "notin", values }], ls)).toBe(!matches([{ key, op: "in", values }], ls));
      expect(matches([{ key, op: "!exists" }], ls)).toBe(!matches([{ key, op: "exists" }], ls));
    }),
  );
});

test("the structured LabelSelector means the same as its string form", () => {
  const ls = {
    matchLabels: { app: "sandbox" },
    matchExpressions: [
      { key: "tier", operator: "In" as const, values: ["a", "b"] },
      { key: "gone", operator: "DoesNotExist" as const },
    ],
  };
  expect(formatSelector(fromLabelSelector(ls))).toBe("app=sandbox,tier in (a,b),!gone");
  expect(matches(fromLabelSelector(ls), { app: "sandbox", tier: "b" })).toBe(true);
  expect(matches(fromLabelSelector(ls), { app: "sandbox", tier: "b", gone: "" })).toBe(false);
});
