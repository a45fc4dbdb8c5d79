#!/usr/bin/env bun
// `agent-sandbox`: claims, commands and files from the shell. Errors end with one line on stderr and
// status 1; a wrong call prints usage and exits with status 2.
import { Cause, Effect, Exit, Layer, ManagedRuntime, Scope } from "effect";
import { KubeClient } from "../../kube/client";
import { type ParsedArgs, parseArgs, secondsFlag, stringFlag, UsageError } from "./args";
import { EXIT_USAGE, runCommand, USAGE } from "./commands";

const HINT = "Run `agent-sandbox --help` for usage.\n";

const errorLine = (error: unknown): string => {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string")
    return error.message.split("\n")[0] ?? String(error);
  return String(error);
};

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    secondsFlag(args, "timeout"); // checked up front, also for commands that do not wait
  } catch (error) {
    process.stderr.write(`agent-sandbox: ${errorLine(error)}\n${HINT}`);
    return EXIT_USAGE;
  }
  if (args.flags.help || args.command === "" || args.command === "help") {
    process.stdout.write(USAGE);
    return args.command === "" && !args.flags.help ? EXIT_USAGE : 0;
  }
  const kubeconfig = stringFlag(args, "kubeconfig");
  const runtime = ManagedRuntime.make(
    Layer.orDie(kubeconfig ? KubeClient.layer(kubeconfig) : KubeClient.layerDefault()),
  );
  // Everything a command acquires lives in this scope; Ctrl-C interrupts the command, which closes it.
  const scope = Effect.runSync(Scope.make());
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const exit = await runtime.runPromiseExit(Scope.extend(runCommand(args), scope), {
      signal: controller.signal,
    });
    await Effect.runPromise(Scope.close(scope, exit));
    if (Exit.isSuccess(exit)) return exit.value;
    if (Cause.isInterruptedOnly(exit.cause)) return 130;
    const error = Cause.squash(exit.cause);
    process.stderr.write(`agent-sandbox: ${errorLine(error)}\n`);
    if (error instanceof UsageError) {
      process.stderr.write(HINT);
      return EXIT_USAGE;
    }
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await runtime.dispose();
  }
};

process.exitCode = await main(Bun.argv.slice(2));
