// `npm run build:binaries`: compiles the controller, router and runtime into single-file executables with
// `bun build --compile` (dist/bin/ by default). The container images in deploy/images copy these.
//
//   bun run scripts/build-binaries.ts [--only controller,router] [--target bun-linux-arm64] [--outdir DIR]
//
// Builds every binary whose entry point exists, then fails naming any entry point that is missing.

import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

export const repoRoot = dirname(import.meta.dir);

export interface BinarySpec {
  readonly component: "controller" | "router" | "runtime";
  /** Entry point, relative to the repository root. */
  readonly entry: string;
  /** File name in the output directory and in the images (Falco matches the runtime's process name). */
  readonly binary: string;
}

export const BINARIES: ReadonlyArray<BinarySpec> = [
  { component: "controller", entry: "src/controller/main.ts", binary: "agent-sandbox-controller" },
  { component: "router", entry: "src/router/main.ts", binary: "sandbox-router" },
  { component: "runtime", entry: "src/runtime/main.ts", binary: "sandbox-runtime" },
];

export interface BuildOptions {
  readonly components: ReadonlyArray<BinarySpec>;
  readonly outdir: string;
  /** A `bun build --target` such as bun-linux-x64 or bun-linux-arm64; absent: this machine. */
  readonly target?: string;
}

export type ParsedBuildArgs =
  | { readonly _tag: "Build"; readonly options: BuildOptions }
  | { readonly _tag: "Invalid"; readonly message: string };

export const parseBuildArgs = (argv: ReadonlyArray<string>, cwd: string): ParsedBuildArgs => {
  let values: { only?: string; target?: string; outdir?: string };
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { only: { type: "string" }, target: { type: "string" }, outdir: { type: "string" } },
    }).values;
  } catch (error) {
    return { _tag: "Invalid", message: error instanceof Error ? error.message : String(error) };
  }
  const names = values.only === undefined ? BINARIES.map((b) => b.component) : values.only.split(",");
  const unknown = names.filter((n) => !BINARIES.some((b) => b.component === n));
  if (unknown.length > 0) {
    return {
      _tag: "Invalid",
      message: `--only: unknown component(s) ${unknown.join(", ")}; known: ${BINARIES.map((b) => b.component).join(", ")}`,
    };
  }
  if (values.target !== undefined && !/^bun-[a-z0-9-]+$/.test(values.target)) {
    return { _tag: "Invalid", message: `--target must look like bun-linux-x64, got "${values.target}"` };
  }
  return {
    _tag: "Build",
    options: {
      components: BINARIES.filter((b) => names.includes(b.component)),
      outdir: resolve(cwd, values.outdir ?? join(repoRoot, "dist/bin")),
      ...(values.target === undefined ? {} : { target: values.target }),
    },
  };
};

export interface BuildResult {
  /** Absolute paths of the binaries built. */
  readonly built: ReadonlyArray<string>;
  /** Entry points (relative) that do not exist. */
  readonly missing: ReadonlyArray<string>;
  /** Entry points whose compilation failed, with bun's output. */
  readonly failed: ReadonlyArray<{ readonly entry: string; readonly output: string }>;
}

export const buildBinaries = async (options: BuildOptions): Promise<BuildResult> => {
  mkdirSync(options.outdir, { recursive: true });
  const built: string[] = [];
  const missing: string[] = [];
  const failed: Array<{ entry: string; output: string }> = [];
  for (const spec of options.components) {
    const entry = join(repoRoot, spec.entry);
    if (!existsSync(entry)) {
      missing.push(spec.entry);
      continue;
    }
    const outfile = join(options.outdir, spec.binary);
    const args = ["build", "--compile", entry, "--outfile", outfile];
    if (options.target !== undefined) args.push("--target", options.target);
    // process.execPath is bun itself when this runs under bun (npm run / bun run / bun test).
    const proc = Bun.spawn([process.execPath, ...args], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    if (code === 0) built.push(outfile);
    else failed.push({ entry: spec.entry, output: `${stdout}${stderr}`.trim() });
  }
  return { built, missing, failed };
};

if (import.meta.main) {
  const parsed = parseBuildArgs(process.argv.slice(2), process.cwd());
  if (parsed._tag === "Invalid") {
    console.error(`build-binaries: ${parsed.message}`);
    process.exit(2);
  }
  const result = await buildBinaries(parsed.options);
  for (const path of result.built) console.log(`built ${path}`);
  for (const { entry, output } of result.failed)
    console.error(`build-binaries: ${entry} failed to compile:\n${output}`);
  if (result.missing.length > 0) {
    console.error(`build-binaries: entry point(s) missing, not built: ${result.missing.join(", ")}`);
  }
  process.exit(result.missing.length === 0 && result.failed.length === 0 ? 0 : 1);
}
