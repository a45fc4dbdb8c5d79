// Label and annotation keys: kube's qualified-name rules, and the memo of keys found valid changes no answer
// (a key is judged the same however often, and in whatever order, it comes).
import { expect, test } from "bun:test";
import fc from "fast-check";
import { validateLabels } from "../../../src/apiserver/meta";

const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** The rules, written out once more as the oracle. */
const validKey = (key: string): boolean => {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) return false;
  return name.length <= 63 && NAME.test(name);
};

const keys = fc.oneof(
  fc.stringMatching(/^[a-z0-9.]{0,12}\/[A-Za-z0-9_.-]{0,12}$/),
  fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("agents.x-k8s.io/sandbox-name-hash", "app", "-bad", "a/b/c", "x".repeat(64)),
);

test("each key is judged by the rules, on every occurrence, in any order", () => {
  fc.assert(
    fc.property(fc.array(keys, { maxLength: 30 }), (seq) => {
      for (const key of [...seq, ...seq.reverse()]) {
        const causes = validateLabels({ annotations: { [key]: "v" } });
        expect(causes.length === 0).toBe(validKey(key));
      }
    }),
    { numRuns: 300 },
  );
});
