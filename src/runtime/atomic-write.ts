import { randomUUID } from "node:crypto";
import { chmod, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

export type WriteSource = Blob | ReadableStream<Uint8Array> | null;

/**
 * Writes a file so readers only ever see the old or the new content: the data goes to a temp file
 * in the same directory, then one rename replaces the target. Concurrent writers each rename their
 * own complete file, so the last one wins and nothing is torn. Parents are created. Without an
 * explicit `mode`, an existing file keeps its permissions.
 */
export const writeAtomically = async (target: string, source: WriteSource, mode?: number): Promise<void> => {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  // Not derived from the target's name: a name near the 255-byte limit plus a suffix would not fit.
  const temp = join(dir, `.${randomUUID()}.tmp`);
  try {
    if (source instanceof Blob) await Bun.write(temp, source);
    else await Bun.write(temp, new Response(source));
    const keep = mode ?? (await stat(target).then((s) => (s.isFile() ? s.mode & 0o7777 : undefined), noFile));
    if (keep !== undefined) await chmod(temp, keep);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
};

const noFile = (): undefined => undefined;
