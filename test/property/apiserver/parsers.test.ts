// Properties of the pure parts: label selectors, JSON merge patch, JSON patch, strategic merge.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeProtobufObject } from "../../../src/apiserver/http/protobuf";
import { applyJsonPatch, JsonPatchError } from "../../../src/apiserver/patch/json-patch";
import { mergePatch } from "../../../src/apiserver/patch/merge";
import { strategicMerge } from "../../../src/apiserver/patch/strategic";
import { matchesLabels, parseLabelSelector } from "../../../src/apiserver/selectors";
import { ApiError } from "../../../src/apiserver/status";

const labelKey = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
const labelValue = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,8}[a-z0-9])?$/);
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 4 });

describe("label selectors", () => {
  test("a selector built from a label set matches that set", () => {
    fc.assert(
      fc.property(labels, (l) => {
        const sel = Object.entries(l)
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
        expect(matchesLabels(parseLabelSelector(sel), l)).toBe(true);
      }),
    );
  });

  test("set-based terms agree with their meaning", () => {
    fc.assert(
      fc.property(
        labels,
        labelKey,
        fc.array(labelValue, { minLength: 1, maxLength: 3 }),
        (l, key, values) => {
          const inSel = parseLabelSelector(`${key} in (${values.join(",")})`);
          const notinSel = parseLabelSelector(`${key} notin (${values.join(", ")})`);
          const v = l[key];
          expect(matchesLabels(inSel, l)).toBe(v !== undefined && values.includes(v));
          expect(matchesLabels(notinSel, l)).toBe(v === undefined || !values.includes(v));
          expect(matchesLabels(parseLabelSelector(key), l)).toBe(v !== undefined);
          expect(matchesLabels(parseLabelSelector(`!${key}`), l)).toBe(v === undefined);
        },
      ),
    );
  });

  test("any string either parses or fails with a 400 Status, never anything else", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          parseLabelSelector(s);
        } catch (err) {
          expect(err).toBeInstanceOf(ApiError);
          expect((err as ApiError).code).toBe(400);
        }
      }),
    );
  });
});

// Values as they arrive over the wire (JSON has no -0, for instance).
const json: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 3 })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const jsonObject = fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 5 });

describe("merge patch", () => {
  test("patching with a document's own contents only drops its nulls; null removes keys", () => {
    const withoutNulls = (v: unknown): unknown =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== null)
              .map(([k, x]) => [k, withoutNulls(x)]),
          )
        : v;
    fc.assert(
      fc.property(jsonObject, (o) => {
        expect(mergePatch(o, o)).toEqual(withoutNulls(o));
        const removed = mergePatch(o, Object.fromEntries(Object.keys(o).map((k) => [k, null])));
        expect(removed).toEqual({});
      }),
    );
  });
});

describe("JSON patch", () => {
  test("add then remove of a new key round-trips; failures are JsonPatchError", () => {
    fc.assert(
      fc.property(jsonObject, json, (o, v) => {
        const key = "__new";
        const added = applyJsonPatch(o, [{ op: "add", path: `/${key}`, value: v }]) as Record<
          string,
          unknown
        >;
        expect(added[key]).toEqual(v);
        expect(applyJsonPatch(added, [{ op: "remove", path: `/${key}` }])).toEqual(o);
        expect(() => applyJsonPatch(o, [{ op: "remove", path: "/__missing/deeper" }])).toThrow(
          JsonPatchError,
        );
      }),
    );
  });
});

describe("strategic merge", () => {
  test("containers merge by name; $patch: delete removes one", () => {
    const pod = {
      spec: {
        containers: [
          { name: "a", image: "x" },
          { name: "b", image: "y" },
        ],
      },
    };
    expect(strategicMerge(pod, { spec: { containers: [{ name: "b", image: "z" }] } })).toEqual({
      spec: {
        containers: [
          { name: "a", image: "x" },
          { name: "b", image: "z" },
        ],
      },
    });
    expect(strategicMerge(pod, { spec: { containers: [{ name: "a", $patch: "delete" }] } })).toEqual({
      spec: { containers: [{ name: "b", image: "y" }] },
    });
  });

  test("without keyed lists it is a merge patch", () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        const noLists = (x: unknown): boolean =>
          x === null || typeof x !== "object" || (!Array.isArray(x) && Object.values(x).every(noLists));
        const clean = (x: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(x).filter(([k, v]) => noLists(v) && !k.startsWith("$")));
        expect(strategicMerge(clean(a), clean(b))).toEqual(mergePatch(clean(a), clean(b)));
      }),
    );
  });
});

describe("protobuf bodies", () => {
  test("arbitrary bytes decode or fail with a 400 Status, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, envelope) => {
        const body = envelope ? new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...bytes]) : bytes;
        try {
          const out = decodeProtobufObject(body);
          if (out !== undefined) expect(out.apiVersion).toBe("v1");
        } catch (err) {
          expect(err).toBeInstanceOf(ApiError);
          expect((err as ApiError).code).toBe(400);
        }
      }),
    );
  });
});
