import { lstat, readdir, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { type WriteSource, writeAtomically } from "./atomic-write";
import { resolveConfined, resolveConfinedEntry } from "./confine";
import type { RuntimeContext } from "./context";
import { errnoOf, filesErrorFromFs } from "./fs-errors";
import { overlongComponent } from "./path-limits";
import { filesError, json } from "./responses";

/**
 * sandboxd's REST file API (reference §5.2) under `/v1/files/<path>`; the path arrives decoded once,
 * so `/` may be written literally or as `%2F`.
 */

const denied = (path: string) => filesError("PERMISSION_DENIED", "path escapes the sandbox root", path);

const modeString = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, "0")}`;

const entryType = (s: Awaited<ReturnType<typeof lstat>>): string =>
  s.isFile() ? "file" : s.isDirectory() ? "directory" : s.isSymbolicLink() ? "symlink" : "other";

/** A name longer than any file can have is bad input; saying so beats "not found" or the filesystem's error. */
const badName = (path: string): Response | undefined => {
  const why = overlongComponent(path);
  return why === undefined ? undefined : filesError("INVALID_ARGUMENT", why, path);
};

const listing = async (dir: string, path: string): Promise<Response> => {
  const names = await readdir(dir).catch((error: unknown) => error);
  if (!Array.isArray(names)) return filesErrorFromFs(names, path);
  const entries = [];
  for (const name of names) {
    const s = await lstat(join(dir, name)).catch(() => undefined);
    if (s === undefined) continue; // removed while we listed
    entries.push({
      name,
      size: s.size,
      type: entryType(s),
      modified_at: s.mtime.toISOString(),
      mode: modeString(s.mode),
    });
  }
  return json({ path, entries });
};

/** GET (file bytes or a directory listing) and HEAD (existence, with the file's size). */
export const getFile = async (path: string, head: boolean, ctx: RuntimeContext): Promise<Response> => {
  const answer = (error: Response) => (head ? new Response(null, { status: error.status }) : error);
  const invalid = badName(path);
  if (invalid) return answer(invalid);
  const target = await resolveConfined(ctx.baseDir, path);
  if (target === undefined) return answer(denied(path));
  const s = await stat(target).catch((error: unknown) => answer(filesErrorFromFs(error, path)));
  if (s instanceof Response) return s;
  const headers = {
    "last-modified": s.mtime.toUTCString(),
    "x-file-type": s.isDirectory() ? "directory" : "file",
    "x-file-mode": modeString(s.mode),
  };
  if (head) {
    const length = s.isFile() ? { "content-length": String(s.size) } : {};
    return new Response(null, { headers: { ...headers, ...length } });
  }
  if (s.isDirectory()) return listing(target, path);
  // Reading a FIFO would wait for a writer that may never come; sockets and devices have no content to send.
  if (!s.isFile()) return filesError("INVALID_ARGUMENT", "not a regular file or a directory", path);
  return new Response(Bun.file(target), {
    headers: { ...headers, "content-type": "application/octet-stream" },
  });
};

const MODE = /^0?[0-7]{3}$/;

/** PUT: atomic write with parents created; body raw bytes or a multipart `file` part. */
export const putFile = async (req: Request, path: string, ctx: RuntimeContext): Promise<Response> => {
  const modeParam = new URL(req.url).searchParams.get("mode");
  if (modeParam !== null && !MODE.test(modeParam))
    return filesError("INVALID_ARGUMENT", `mode must be octal like 0644, got '${modeParam}'`, path);
  const invalid = badName(path);
  if (invalid) return invalid;
  const target = await resolveConfined(ctx.baseDir, path);
  if (target === undefined) return denied(path);
  if (target === ctx.baseDir) return filesError("INVALID_ARGUMENT", "cannot write to the sandbox root", path);
  let source: WriteSource = req.body;
  if ((req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    const part = await req.formData().then(
      (form) => form.get("file"),
      () => undefined,
    );
    if (!(part instanceof Blob))
      return filesError("INVALID_ARGUMENT", "multipart body needs a 'file' part", path);
    source = part;
  }
  try {
    await writeAtomically(target, source, modeParam === null ? undefined : Number.parseInt(modeParam, 8));
    return new Response(null, { status: 204 });
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EISDIR") return filesError("CONFLICT", "path is a directory", path);
    if (code === "ENOTDIR" || code === "EEXIST")
      return filesError("CONFLICT", "a parent of the path is not a directory", path);
    return filesErrorFromFs(error, path);
  }
};

/** DELETE: a file, a symlink (not its target) or a directory; a non-empty one only with `recursive=true`. */
export const deleteFile = async (req: Request, path: string, ctx: RuntimeContext): Promise<Response> => {
  const recursiveParam = new URL(req.url).searchParams.get("recursive");
  if (recursiveParam !== null && recursiveParam !== "true" && recursiveParam !== "false")
    return filesError("INVALID_ARGUMENT", "recursive must be true or false", path);
  const invalid = badName(path);
  if (invalid) return invalid;
  const target = await resolveConfinedEntry(ctx.baseDir, path);
  if (target === undefined)
    return (await resolveConfined(ctx.baseDir, path)) === ctx.baseDir
      ? filesError("INVALID_ARGUMENT", "cannot delete the sandbox root", path)
      : denied(path);
  const s = await lstat(target).catch((error: unknown) => filesErrorFromFs(error, path));
  if (s instanceof Response) return s;
  try {
    if (!s.isDirectory()) await rm(target);
    else if (recursiveParam === "true") await rm(target, { recursive: true });
    else await rmdir(target);
    return new Response(null, { status: 204 });
  } catch (error) {
    if (errnoOf(error) === "ENOTEMPTY" || errnoOf(error) === "EEXIST")
      return filesError("CONFLICT", "directory is not empty; use recursive=true", path);
    return filesErrorFromFs(error, path);
  }
};
