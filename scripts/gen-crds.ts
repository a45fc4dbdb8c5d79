// Writes crds/*.yaml from the Schemas in src/api. With --check, writes nothing and exits 1 when the
// directory differs from what would be generated (CI's drift check). --dir <path> targets another directory.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { renderCrdFiles } from "../src/api/crd/render";

const args = process.argv.slice(2);
const dirFlag = args.indexOf("--dir");
const dir = dirFlag === -1 ? join(import.meta.dir, "..", "crds") : args[dirFlag + 1];
if (dir === undefined) {
  console.error("usage: gen-crds.ts [--check] [--dir <path>]");
  process.exit(2);
}
const check = args.includes("--check");
const shown = (name: string) => relative(process.cwd(), join(dir, name));
const expected = renderCrdFiles();
const present = new Set(readdirSync(dir).filter((name) => name.endsWith(".yaml")));

const firstDifference = (actual: string, wanted: string): string => {
  const a = actual.split("\n");
  const w = wanted.split("\n");
  const line = a.findIndex((text, i) => text !== w[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: have ${JSON.stringify(a[at] ?? "<end of file>")}, want ${JSON.stringify(w[at] ?? "<end of file>")}`;
};

if (check) {
  const problems: Array<string> = [];
  for (const [name, contents] of expected) {
    if (!present.has(name)) {
      problems.push(`missing    ${shown(name)}`);
      continue;
    }
    const actual = readFileSync(join(dir, name), "utf8");
    if (actual !== contents)
      problems.push(`differs    ${shown(name)} (${firstDifference(actual, contents)})`);
  }
  for (const name of present) if (!expected.has(name)) problems.push(`unexpected ${shown(name)}`);
  if (problems.length > 0) {
    console.error(`CRDs are out of date with src/api; run \`npm run gen:crds\`:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`${shown("")} is up to date (${expected.size} CRDs)`);
} else {
  for (const [name, contents] of expected) writeFileSync(join(dir, name), contents);
  console.log(`wrote ${[...expected.keys()].map(shown).join(", ")}`);
}
