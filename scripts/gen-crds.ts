// Writes crds/*.yaml from the Schemas in src/api. With --check, writes nothing and exits 1 when crds/
// differs from what would be generated (CI's drift check).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderCrdFiles } from "../src/api/crd/render";

const dir = join(import.meta.dir, "..", "crds");
const check = process.argv.includes("--check");
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
      problems.push(`missing   crds/${name}`);
      continue;
    }
    const actual = readFileSync(join(dir, name), "utf8");
    if (actual !== contents) problems.push(`differs   crds/${name} (${firstDifference(actual, contents)})`);
  }
  for (const name of present) if (!expected.has(name)) problems.push(`unexpected crds/${name}`);
  if (problems.length > 0) {
    console.error(`crds/ is out of date with src/api; run \`npm run gen:crds\`:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`crds/ is up to date (${expected.size} CRDs)`);
} else {
  for (const [name, contents] of expected) writeFileSync(join(dir, name), contents);
  console.log(`wrote ${[...expected.keys()].map((name) => `crds/${name}`).join(", ")}`);
}
