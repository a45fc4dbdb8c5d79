// The own-write echo filter's rule, on its own: which passes it lets the controller skip.
import { expect, test } from "bun:test";
import { OwnEchoes, type PassWrites, versionKey } from "../../../src/controller/echoes";
import type { WrittenVersion } from "../../../src/controller/freshness";

const KEY = "SandboxClaim/ns/c";
const patch = (kind: WrittenVersion["kind"], name: string, rv: string): WrittenVersion => ({
  kind,
  namespace: "ns",
  name,
  resourceVersion: rv,
  created: false,
});
const echo = (w: WrittenVersion) => versionKey(w.kind, w.namespace, w.name, w.resourceVersion);

const annotation = patch("SandboxClaim", "c", "11");
const take = patch("Sandbox", "s", "12");
const status = patch("SandboxClaim", "c", "13");
const adoption: PassWrites = { versions: [annotation, take, status], deleted: [] };

/** A filter whose key just ran a pass that wrote `writes`. */
const after = (writes: PassWrites, settled = true): OwnEchoes => {
  const echoes = new OwnEchoes();
  echoes.planning(KEY);
  echoes.finished(KEY, writes, settled);
  return echoes;
};

test("a key brought back only by the echoes of its own last patches is skipped, each time", () => {
  const echoes = after(adoption);
  echoes.observed(KEY, echo(annotation));
  echoes.observed(KEY, echo(take));
  expect(echoes.onlyEchoes(KEY)).toBe(true);
  // The status echo arrives after the skip: skipped too.
  echoes.observed(KEY, echo(status));
  expect(echoes.onlyEchoes(KEY)).toBe(true);
});

test("a key brought back by anything else runs: another version, a deletion, a timer", () => {
  const other = after(adoption);
  other.observed(KEY, echo(annotation));
  other.observed(KEY, versionKey("Sandbox", "ns", "s", "14")); // the kubelet or a user moved the Sandbox on
  expect(other.onlyEchoes(KEY)).toBe(false);

  const deletion = after(adoption);
  deletion.observed(KEY, undefined);
  deletion.observed(KEY, echo(status));
  expect(deletion.onlyEchoes(KEY)).toBe(false);

  // Nothing observed: a timer or the start-up replay brought the key back.
  expect(after(adoption).onlyEchoes(KEY)).toBe(false);
});

test("a foreign event is kept until a pass plans (a deferred pass does not lose it)", () => {
  const echoes = after(adoption);
  echoes.observed(KEY, versionKey("Sandbox", "ns", "s", "14"));
  expect(echoes.onlyEchoes(KEY)).toBe(false); // the gate defers this pass: it plans nothing
  echoes.observed(KEY, echo(status));
  expect(echoes.onlyEchoes(KEY)).toBe(false);
  echoes.planning(KEY);
  echoes.observed(KEY, echo(status));
  expect(echoes.onlyEchoes(KEY)).toBe(true);
});

test("no skip after a pass that created or deleted, asked to run again, or wrote nothing", () => {
  const created: PassWrites = {
    versions: [annotation, { ...patch("Sandbox", "c", "12"), created: true }],
    deleted: [],
  };
  const deleted: PassWrites = { versions: [status], deleted: ["uid-1"] };
  for (const [writes, settled] of [
    [created, true],
    [deleted, true],
    [adoption, false],
    [{ versions: [], deleted: [] }, true],
  ] as const) {
    const echoes = after(writes, settled);
    echoes.observed(KEY, echo(annotation));
    expect(echoes.onlyEchoes(KEY)).toBe(false);
  }
});

test("a later pass replaces the record, and a gone key is forgotten", () => {
  const echoes = after(adoption);
  echoes.planning(KEY);
  echoes.finished(KEY, { versions: [patch("SandboxClaim", "c", "20")], deleted: [] }, true);
  echoes.observed(KEY, echo(status));
  expect(echoes.onlyEchoes(KEY)).toBe(false);
  echoes.planning(KEY);
  echoes.finished(KEY, adoption, true);
  echoes.forget(KEY);
  echoes.observed(KEY, echo(status));
  expect(echoes.onlyEchoes(KEY)).toBe(false);
});
