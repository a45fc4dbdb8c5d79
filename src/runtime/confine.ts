import { lstat, readlink, realpath } from "node:fs/promises";
import { dirname, join } from "node:path";

/** How many symlinks one resolution may follow before it is treated as a loop (Linux's limit). */
const MAX_SYMLINKS = 40;

const isInside = (base: string, candidate: string): boolean =>
  candidate === base || candidate.startsWith(base === "/" ? "/" : `${base}/`);

/**
 * Resolves `relative` (leading slashes stripped) against `base`, following symlinks component by
 * component like Python's non-strict `os.path.realpath`: missing components are kept lexically.
 * Returns the resolved absolute path, or `undefined` when it lies outside `base` (including
 * through a symlink) or the path contains a NUL byte. `base` must itself be a real path.
 */
export const resolveConfined = async (base: string, relative: string): Promise<string | undefined> => {
  if (relative.includes("\0")) return undefined;
  const pending = relative.replace(/^\/+/, "").split("/");
  let current = base;
  let followed = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    const stats = await lstat(next).catch(() => undefined);
    if (stats?.isSymbolicLink()) {
      if (++followed > MAX_SYMLINKS) return undefined;
      const target = await readlink(next);
      if (target.startsWith("/")) current = "/";
      pending.unshift(...target.split("/"));
    } else current = next;
  }
  return isInside(base, current) ? current : undefined;
};

/** The real path of a base directory, so confinement compares like with like. */
export const realBase = (dir: string): Promise<string> => realpath(dir);

/**
 * Like `resolveConfined`, but a final symlink is not followed: the path names the entry itself
 * (what DELETE removes). The base directory itself resolves to `undefined`, as it is not an entry.
 */
export const resolveConfinedEntry = async (base: string, relative: string): Promise<string | undefined> => {
  const parts = relative.split("/").filter((p) => p !== "" && p !== ".");
  const last = parts.pop();
  if (last === undefined) return undefined;
  if (last === "..") {
    const dir = await resolveConfined(base, relative);
    return dir === base ? undefined : dir;
  }
  const parent = await resolveConfined(base, parts.join("/"));
  return parent === undefined || last.includes("\0") ? undefined : join(parent, last);
};
