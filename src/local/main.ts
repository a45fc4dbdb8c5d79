// `bun run local`: the whole system on this machine, no cluster needed. See `--help`.
import { BunRuntime } from "@effect/platform-bun";
import { Effect } from "effect";
import { startLocal } from "./compose";
import { parseLocalArgs, usage } from "./config";
import { describeStartFailure } from "./failure";
import { usageText } from "./usage";

const parsed = parseLocalArgs(process.argv.slice(2), process.cwd());
if (parsed._tag === "Help") {
  console.log(usage);
  process.exit(0);
}
if (parsed._tag === "Invalid") {
  console.error(`error: ${parsed.message}\n\n${usage}`);
  process.exit(2);
}
const { config } = parsed;

const program = Effect.scoped(
  Effect.gen(function* () {
    const system = yield* startLocal(config);
    console.log(usageText(config, system));
    return yield* Effect.never;
  }),
).pipe(
  Effect.tapErrorCause((cause) =>
    Effect.sync(() => console.error(`local mode failed to start: ${describeStartFailure(cause)}`)),
  ),
);

// runMain interrupts the program on SIGINT/SIGTERM, which closes the scope: router drained, pods stopped.
BunRuntime.runMain(program, { disableErrorReporting: true });
