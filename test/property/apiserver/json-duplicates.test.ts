// duplicateFields against a reference: JSON texts are written from generated trees whose objects may repeat
// keys (spelled plainly or with \u escapes, with any whitespace), and the finder must name exactly the
// repeats the tree holds, at their kube-style paths, with or without the parsed value for its quick answer.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { duplicateFields } from "../../../src/apiserver/http/json-duplicates";

type Tree =
  | { readonly kind: "leaf"; readonly value: null | boolean | number | string }
  | { readonly kind: "array"; readonly items: ReadonlyArray<Tree> }
  | { readonly kind: "object"; readonly entries: ReadonlyArray<readonly [string, Tree]> };

// Few distinct keys, so repeats are common; some carry characters JSON must escape.
const key = fc.constantFrom("a", "b", "spec", 'q"uote', "back\\slash", "ü", "[0]", ",:{}");
const leafValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", 'a":"b', "\\u0022"),
);

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafValue.map((value): Tree => ({ kind: "leaf", value })),
    fc.array(tie("tree"), { maxLength: 4 }).map((items): Tree => ({ kind: "array", items })),
    fc
      .array(fc.tuple(key, tie("tree")), { maxLength: 5 })
      .map((entries): Tree => ({ kind: "object", entries })),
  ),
}));

const child = (path: string, k: string) => (path === "" ? k : `${path}.${k}`);

/** The repeats a tree holds, in document order. */
const expected = (t: Tree, path = ""): string[] => {
  if (t.kind === "leaf") return [];
  if (t.kind === "array") return t.items.flatMap((item, i) => expected(item, `${path}[${i}]`));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [k, v] of t.entries) {
    if (seen.has(k)) out.push(child(path, k));
    seen.add(k);
    out.push(...expected(v, child(path, k)));
  }
  return out;
};

/** Every character as a \u escape: the same key to JSON.parse, different text. */
const escaped = (k: string) =>
  `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`;

const write = (t: Tree, ws: () => string, escapeKey: () => boolean): string => {
  if (t.kind === "leaf") return JSON.stringify(t.value);
  const inner =
    t.kind === "array"
      ? t.items.map((item) => `${ws()}${write(item, ws, escapeKey)}${ws()}`)
      : t.entries.map(
          ([k, v]) =>
            `${ws()}${escapeKey() ? escaped(k) : JSON.stringify(k)}${ws()}:${ws()}${write(v, ws, escapeKey)}${ws()}`,
        );
  return t.kind === "array" ? `[${inner.join(",")}]` : `{${inner.join(",")}}`;
};

describe("duplicateFields", () => {
  test("names exactly the repeated keys of any JSON text, at their paths", () => {
    fc.assert(
      fc.property(
        tree,
        fc.infiniteStream(fc.constantFrom("", " ", "\n", "\t ", "\r\n")),
        fc.infiniteStream(fc.boolean()),
        (t, spaces, escapes) => {
          const text = write(
            t,
            () => spaces.next().value,
            () => escapes.next().value,
          );
          const parsed = JSON.parse(text); // the finder's precondition
          expect(duplicateFields(text)).toEqual(expected(t));
          // The quick answer from the parsed value never hides a repeat.
          expect(duplicateFields(text, parsed)).toEqual(expected(t));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("examples", () => {
    expect(duplicateFields('{"metadata":{"name":"a","name":"b"},"spec":{"x":[{"y":1,"y":2}]}}')).toEqual([
      "metadata.name",
      "spec.x[0].y",
    ]);
    expect(duplicateFields('{"a":1,"\\u0061":2}')).toEqual(["a"]);
    expect(duplicateFields('[{"a":1},{"a":2}]')).toEqual([]);
  });
});
