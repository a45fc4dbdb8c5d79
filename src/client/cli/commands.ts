// The subcommands of `agent-sandbox`, as Effects returning the process's exit status.
import { readFile, writeFile } from "node:fs/promises";
import { Effect, Exit, Scope, Stream } from "effect";
import { KubeClient } from "../../kube/client";
import type { KubeObject } from "../../kube/object";
import { refs } from "../../kube/resources";
import { deleteClaim } from "../claim";
import { type ClaimLike, claimProgress } from "../claim-status";
import type { ConnectionConfig } from "../connection";
import { Sandbox } from "../sandbox";
import { type ParsedArgs, remoteRef, secondsFlag, stringFlag, UsageError } from "./args";
import { progressReporter } from "./progress";
import { formatAge, formatTable } from "./table";

export const EXIT_USAGE = 2;

export const USAGE = `Usage: agent-sandbox <command> [flags]

Commands:
  claim (--warm-pool <pool> | --template <template>) [--keep]
                                    claim a sandbox and wait until it is Ready; without --keep, hold it
                                    until Ctrl-C and then delete the claim
  exec <claim> -- <command...>      run a command, streaming its output; exits with its exit code
  cp <local> <claim>:<path>         copy a file into the sandbox
  cp <claim>:<path> <local>         copy a file out of the sandbox
  ls <claim> [path]                 list a directory in the sandbox
  suspend <claim>                   stop the sandbox's pod, keeping its files
  resume <claim>                    start it again and wait until it is Ready
  rm <claim>                        delete the claim (and with it the sandbox)
  get [claim]                       show claims: NAME, SANDBOX, READY, REASON, AGE

Flags:
  -n, --namespace <ns>     namespace of the claims (default "default")
      --kubeconfig <path>  kubeconfig (default $KUBECONFIG, ~/.kube/config, in-cluster)
      --router-url <url>   sandbox router (default $SANDBOX_ROUTER_URL)
      --warm-pool <name>   claim from this warm pool (v1beta1 claim)
      --template <name>    claim from this template (v1alpha1 claim)
      --timeout <seconds>  how long to wait for a claim, a command or a lifecycle change
      --keep               claim: leave the claim when the command ends
`;

const namespaceOf = (args: ParsedArgs) => stringFlag(args, "namespace") ?? "default";

const connectionOf = (args: ParsedArgs): { connection?: ConnectionConfig } => {
  const routerUrl = stringFlag(args, "router-url");
  return routerUrl ? { connection: { mode: "direct", routerUrl } } : {};
};

const timeoutOf = (args: ParsedArgs) => {
  const seconds = secondsFlag(args, "timeout");
  return seconds === undefined ? {} : { timeout: seconds };
};

const usage = (message: string) => Effect.fail(new UsageError(message));

/** Exactly `count` positionals after the subcommand (or between min and max). */
const positionals = (args: ParsedArgs, min: number, max = min) =>
  args.positionals.length < min || args.positionals.length > max
    ? usage(
        `${args.command}: expected ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument(s), got ${args.positionals.length}`,
      )
    : Effect.succeed(args.positionals);

const attach = (args: ParsedArgs, claimName: string, waitReady = true) =>
  Sandbox.attach({
    claimName,
    namespace: namespaceOf(args),
    waitReady,
    ...connectionOf(args),
    ...(secondsFlag(args, "timeout") === undefined
      ? {}
      : { readyTimeout: secondsFlag(args, "timeout") as number }),
  });

const say = (line: string) => Effect.sync(() => process.stdout.write(`${line}\n`));
const note = (line: string) => Effect.sync(() => process.stderr.write(`${line}\n`));

const claim = (args: ParsedArgs) =>
  Effect.gen(function* () {
    yield* positionals(args, 0);
    const warmPool = stringFlag(args, "warm-pool");
    const template = stringFlag(args, "template");
    if ((warmPool === undefined) === (template === undefined))
      return yield* usage("claim: give exactly one of --warm-pool and --template");
    const source = warmPool !== undefined ? { warmPool } : { template: template as string };
    const reporter = progressReporter(
      warmPool !== undefined ? `claim from warm pool ${warmPool}` : `claim from template ${template}`,
    );
    // The claim lives in its own scope so that --keep can leave it open when the process ends. Failure or
    // interruption while waiting still closes it, deleting the half-made claim.
    const own = yield* Scope.make();
    const sandbox = yield* Scope.extend(
      Sandbox.claim({
        ...source,
        namespace: namespaceOf(args),
        ...connectionOf(args),
        ...(secondsFlag(args, "timeout") === undefined
          ? {}
          : { readyTimeout: secondsFlag(args, "timeout") as number }),
        onProgress: reporter.onProgress,
      }),
      own,
    ).pipe(
      Effect.onExit((exit) =>
        Effect.andThen(
          Effect.sync(reporter.stop),
          Exit.isSuccess(exit) ? Effect.void : Scope.close(own, exit),
        ),
      ),
    );
    yield* say(`claim/${sandbox.claimName} sandbox/${sandbox.sandboxName}`);
    if (args.flags.keep === true) return 0;
    yield* Effect.addFinalizer(() => Scope.close(own, Exit.void));
    yield* note(`holding claim ${sandbox.claimName}; press Ctrl-C to delete it`);
    return yield* Effect.never;
  });

const exec = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const [claimName] = yield* positionals(args, 1);
    if (args.rest.length === 0)
      return yield* usage("exec: give the command after --, e.g. exec my-claim -- ls -l");
    const sandbox = yield* attach(args, claimName as string);
    // One word is a command line (split by the runtime like `run`); several are argv as given.
    const command = args.rest.length === 1 ? (args.rest[0] as string) : args.rest;
    let exitCode = 1;
    yield* sandbox.exec(command, timeoutOf(args)).pipe(
      Stream.runForEach((event) =>
        Effect.sync(() => {
          if (event.type === "stdout") process.stdout.write(event.data);
          else if (event.type === "stderr") process.stderr.write(event.data);
          else exitCode = event.exitCode;
        }),
      ),
    );
    return exitCode;
  });

const cp = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const [from, to] = (yield* positionals(args, 2)) as [string, string];
    const source = remoteRef(from);
    const target = remoteRef(to);
    if ((source === undefined) === (target === undefined))
      return yield* usage("cp: exactly one side must be <claim>:<path>");
    if (target) {
      const content = yield* Effect.tryPromise({
        try: () => readFile(from),
        catch: (e) => new Error(`cannot read ${from}: ${(e as Error).message}`),
      });
      const sandbox = yield* attach(args, target.claim);
      yield* sandbox.files.write(target.path, content, timeoutOf(args));
      return 0;
    }
    const remote = source as { claim: string; path: string };
    const sandbox = yield* attach(args, remote.claim);
    const content = yield* sandbox.files.read(remote.path, timeoutOf(args));
    yield* Effect.tryPromise({
      try: () => writeFile(to, content),
      catch: (e) => new Error(`cannot write ${to}: ${(e as Error).message}`),
    });
    return 0;
  });

const ls = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const [claimName, path = "."] = (yield* positionals(args, 1, 2)) as [string, string?];
    const sandbox = yield* attach(args, claimName);
    const entries = yield* sandbox.files.list(path, timeoutOf(args));
    const now = new Date();
    yield* say(
      formatTable(
        ["NAME", "TYPE", "SIZE", "AGE"],
        entries.map((e) => [e.name, e.type, String(e.size), formatAge(e.modified, now)]),
      ),
    );
    return 0;
  });

const lifecycle = (args: ParsedArgs, operation: "suspend" | "resume") =>
  Effect.gen(function* () {
    const [claimName] = (yield* positionals(args, 1)) as [string];
    const sandbox = yield* attach(args, claimName, false);
    yield* note(`${operation === "suspend" ? "suspending" : "resuming"} sandbox ${sandbox.sandboxName}...`);
    yield* sandbox[operation](timeoutOf(args));
    yield* say(`sandbox/${sandbox.sandboxName} ${operation === "suspend" ? "suspended" : "resumed"}`);
    return 0;
  });

const rm = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const names = yield* positionals(args, 1, Infinity);
    const kube = yield* KubeClient;
    for (const name of names) {
      yield* kube.get(refs.sandboxClaim, name, { namespace: namespaceOf(args) });
      yield* deleteClaim(namespaceOf(args), name);
      yield* say(`claim/${name} deleted`);
    }
    return 0;
  });

type Claim = KubeObject & ClaimLike;

/** One row of `get`: READY is the Ready condition, REASON why not (or the bound state). */
export const claimRow = (claim: Claim, now: Date): string[] => {
  const namespace = claim.metadata?.namespace ?? "";
  const progress = claimProgress(claim, namespace);
  const ready = claim.status?.conditions?.find((c) => c.type === "Ready");
  const created = claim.metadata?.creationTimestamp;
  return [
    claim.metadata?.name ?? "",
    claim.status?.sandbox?.name || claim.status?.sandbox?.Name || "<none>",
    ready?.status ?? "Unknown",
    progress._tag === "Bound"
      ? (ready?.reason ?? "")
      : progress._tag === "Waiting"
        ? progress.reason
        : progress.error._tag === "ClaimFailed"
          ? progress.error.reason
          : progress.error._tag,
    created ? formatAge(new Date(created), now) : "<unknown>",
  ];
};

const get = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const names = yield* positionals(args, 0, 1);
    const kube = yield* KubeClient;
    const namespace = namespaceOf(args);
    const claims: Claim[] =
      names.length === 1
        ? [yield* kube.get<Claim>(refs.sandboxClaim as never, names[0] as string, { namespace })]
        : (yield* kube.listAll<Claim>(refs.sandboxClaim as never, { namespace })).items;
    if (claims.length === 0) {
      yield* note(`No claims in namespace ${namespace}.`);
      return 0;
    }
    const now = new Date();
    yield* say(
      formatTable(
        ["NAME", "SANDBOX", "READY", "REASON", "AGE"],
        claims.map((c) => claimRow(c, now)),
      ),
    );
    return 0;
  });

/** Runs the subcommand `args.command`; its value is the exit status. */
export const runCommand = (args: ParsedArgs) => {
  switch (args.command) {
    case "claim":
      return claim(args);
    case "exec":
      return exec(args);
    case "cp":
      return cp(args);
    case "ls":
      return ls(args);
    case "suspend":
      return lifecycle(args, "suspend");
    case "resume":
      return lifecycle(args, "resume");
    case "rm":
      return rm(args);
    case "get":
      return get(args);
    default:
      return usage(`unknown command: ${args.command}`);
  }
};
