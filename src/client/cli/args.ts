// Command-line parsing for `agent-sandbox`: a subcommand, positionals, known flags, and everything after `--`.

/** A mistake in how the CLI was called (exit status 2). */
export class UsageError extends Error {}

export interface ParsedArgs {
  readonly command: string;
  readonly positionals: ReadonlyArray<string>;
  /** Arguments after `--`, passed through untouched (the command for `exec`). */
  readonly rest: ReadonlyArray<string>;
  readonly flags: Readonly<Record<string, string | true>>;
}

interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** Takes a value (`--flag value` or `--flag=value`); otherwise a boolean switch. */
  readonly value: boolean;
}

export const FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "namespace", short: "n", value: true },
  { name: "kubeconfig", value: true },
  { name: "router-url", value: true },
  { name: "warm-pool", value: true },
  { name: "template", value: true },
  { name: "timeout", value: true },
  { name: "keep", value: false },
  { name: "help", short: "h", value: false },
];

const byLong = new Map(FLAGS.map((f) => [f.name, f]));
const byShort = new Map(FLAGS.flatMap((f) => (f.short ? [[f.short, f] as const] : [])));

/** Splits argv (without `bun` and the script) into subcommand, positionals, flags and the part after `--`. */
export const parseArgs = (argv: ReadonlyArray<string>): ParsedArgs => {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      rest = argv.slice(i + 1) as string[];
      break;
    }
    const long = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const short = /^-([a-zA-Z])$/.exec(arg);
    const spec = long ? byLong.get(long[1] as string) : short ? byShort.get(short[1] as string) : undefined;
    if (!long && !short) {
      positionals.push(arg);
      continue;
    }
    if (!spec) throw new UsageError(`unknown flag: ${arg}`);
    const inline = long?.[2];
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      flags[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("-")))
      throw new UsageError(`--${spec.name} needs a value`);
    flags[spec.name] = value;
  }
  const [command = "", ...others] = positionals;
  return { command, positionals: others, rest, flags };
};

/** A flag's value as a string, if given. */
export const stringFlag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.flags[name];
  return typeof value === "string" ? value : undefined;
};

/** A positive number of seconds (`--timeout 90`). */
export const secondsFlag = (args: ParsedArgs, name: string): number | undefined => {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--${name} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  return seconds;
};

/** `<claim>:<path>` in `cp`; undefined for a local path. A path starting with `.` or `/` is always local. */
export const remoteRef = (arg: string): { claim: string; path: string } | undefined => {
  if (arg.startsWith(".") || arg.startsWith("/")) return undefined;
  const match = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?):(.*)$/.exec(arg);
  if (!match) return undefined;
  return { claim: match[1] as string, path: match[3] as string };
};
