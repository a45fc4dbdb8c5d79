// Feedback on stderr while a claim is being waited on: a spinner line on a terminal, plain lines otherwise
// (one per change of reason, so logs stay short).
import type { ClaimProgress } from "../claim-status";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface ProgressReporter {
  readonly onProgress: (progress: ClaimProgress) => void;
  /** Stops the spinner and clears its line. */
  readonly stop: () => void;
}

/** `what` names the wait, e.g. "claim from warm pool python-sandbox-warmpool". */
export const progressReporter = (
  what: string,
  out: NodeJS.WriteStream = process.stderr,
): ProgressReporter => {
  const started = Date.now();
  let status = "waiting for the controller";
  const elapsed = () => `${Math.floor((Date.now() - started) / 1000)}s`;
  if (!out.isTTY) {
    let last = "";
    return {
      onProgress: (progress) => {
        if (progress._tag !== "Waiting") return;
        const line = `${progress.reason}: ${progress.message}`;
        if (line === last) return;
        last = line;
        out.write(`${what}: ${line}\n`);
      },
      stop: () => {},
    };
  }
  let frame = 0;
  const timer = setInterval(() => {
    frame = (frame + 1) % FRAMES.length;
    out.write(`\r\x1b[2K${FRAMES[frame]} ${what}: ${status} (${elapsed()})`);
  }, 100);
  return {
    onProgress: (progress) => {
      if (progress._tag === "Waiting") status = `${progress.reason}: ${progress.message}`;
    },
    stop: () => {
      clearInterval(timer);
      out.write("\r\x1b[2K");
    },
  };
};
