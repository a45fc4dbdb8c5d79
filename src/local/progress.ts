// The start-up display: one line per component, with a spinner on a terminal and plain lines otherwise.
import { Effect } from "effect";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const tty = process.stdout.isTTY === true;

/** Runs `effect` as one visible step: "… name" while it runs, then "✓ name  detail (ms)" or "✗ name". */
export const step = <A, E, R>(
  name: string,
  effect: Effect.Effect<A, E, R>,
  detail: (a: A) => string = () => "",
) =>
  Effect.gen(function* () {
    const started = performance.now();
    let frame = 0;
    const timer = tty
      ? setInterval(() => process.stdout.write(`\r${FRAMES[frame++ % FRAMES.length]} ${name}`), 80)
      : undefined;
    if (!tty) process.stdout.write(`… ${name}\n`);
    const elapsed = () => `${Math.round(performance.now() - started)} ms`;
    return yield* effect.pipe(
      Effect.tapBoth({
        onSuccess: (a) =>
          Effect.sync(() => console.log(`${tty ? "\r" : ""}✓ ${name}  ${detail(a)} (${elapsed()})`)),
        onFailure: () => Effect.sync(() => console.log(`${tty ? "\r" : ""}✗ ${name} (${elapsed()})`)),
      }),
      Effect.ensuring(Effect.sync(() => clearInterval(timer))),
    );
  });
