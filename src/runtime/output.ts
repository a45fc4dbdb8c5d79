/** Output of one stream, kept up to a byte limit; the rest is read and discarded. */
export interface CapturedOutput {
  readonly bytes: Uint8Array;
  /** More bytes were written than were kept. */
  readonly truncated: boolean;
}

/**
 * Drains a child's output stream to the end, keeping at most `limit` bytes. Draining the rest
 * (rather than stopping) keeps the child from blocking on a full pipe. `stop` abandons the read
 * (for a pipe held open by a process that escaped its group) and keeps what was read so far.
 */
export const captureBounded = async (
  stream: ReadableStream<Uint8Array>,
  limit: number,
  stop: AbortSignal,
): Promise<CapturedOutput> => {
  const reader = stream.getReader();
  const onStop = () => void reader.cancel().catch(() => undefined);
  stop.addEventListener("abort", onStop, { once: true });
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - kept;
      if (value.length > room) truncated = true;
      if (room > 0) {
        const part = value.length > room ? value.subarray(0, room) : value;
        chunks.push(part);
        kept += part.length;
      }
    }
  } catch {
    // A cancelled read ends the capture; what was read is still returned.
  } finally {
    stop.removeEventListener("abort", onStop);
  }
  return { bytes: Buffer.concat(chunks), truncated };
};

/**
 * Text of captured output and whether any of it was not valid UTF-8 (replaced by U+FFFD). A
 * character cut in half by truncation is dropped rather than reported as invalid.
 */
export const decodeOutput = (output: CapturedOutput): { readonly text: string; readonly lossy: boolean } => {
  const options = { stream: output.truncated };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(output.bytes, options), lossy: false };
  } catch {
    return { text: new TextDecoder("utf-8").decode(output.bytes, options), lossy: true };
  }
};
