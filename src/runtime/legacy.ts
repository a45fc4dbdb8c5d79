import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Either } from "effect";
import { writeAtomically } from "./atomic-write";
import { resolveConfined } from "./confine";
import type { RuntimeContext } from "./context";
import { parseExecuteBody } from "./execute-body";
import { decodeOutput } from "./output";
import { describeSpawnError } from "./process";
import { attachmentDisposition } from "./py-quote";
import { json, unprocessable } from "./responses";
import { runCommand } from "./run-command";
import { splitCommand } from "./shlex";
import { unquote } from "./unquote";

/**
 * The endpoints of upstream's python-runtime-sandbox (reference §5.1), byte for byte where clients
 * can tell. Path parameters arrive decoded once (as the HTTP path) and are decoded again here.
 */

export const health = (): Response => json({ status: "ok", message: "Sandbox Runtime is active." });

const failed = (reason: string, extra?: Record<string, unknown>): Response =>
  json({ stdout: "", stderr: `Failed to execute command: ${reason}`, exit_code: 1, ...extra });

/**
 * `POST /execute`. Every outcome after validation is a 200: the Python SDK retries POSTs on 5xx,
 * so a 5xx here could run a command twice.
 */
export const execute = async (req: Request, ctx: RuntimeContext): Promise<Response> => {
  let text: string;
  try {
    text = await req.text();
  } catch (error) {
    return failed(`could not read the request body: ${String(error)}`);
  }
  const parsed = parseExecuteBody(text);
  if (Either.isLeft(parsed)) return unprocessable(parsed.left);
  const argv = splitCommand(parsed.right.command);
  if (Either.isLeft(argv)) return failed(argv.left.message);
  if (argv.right.length === 0) return failed("no command given");
  const timeoutSeconds = parsed.right.timeoutSeconds ?? ctx.execTimeoutMs / 1000;
  try {
    const result = await runCommand(argv.right, {
      cwd: ctx.baseDir,
      timeoutMs: timeoutSeconds * 1000,
      maxOutputBytes: ctx.maxOutputBytes,
      registry: ctx.registry,
    });
    if (result.timedOut)
      return failed(`Command '${argv.right.join(" ")}' timed out after ${timeoutSeconds} seconds`, {
        timed_out: true,
      });
    const stdout = decodeOutput(result.stdout);
    const stderr = decodeOutput(result.stderr);
    return json({
      stdout: stdout.text,
      stderr: stderr.text,
      exit_code: result.exitCode,
      ...(result.stdout.truncated || result.stderr.truncated ? { truncated: true } : {}),
      ...(stdout.lossy || stderr.lossy ? { non_utf8: true } : {}),
    });
  } catch (error) {
    return failed(describeSpawnError(argv.right[0]!, error));
  }
};

const accessDenied = (): Response => json({ message: "Access denied" }, 403);

const FORM_TYPES = /^(multipart\/form-data|application\/x-www-form-urlencoded)/i;

/** `POST /upload`: multipart field `file`; its filename may be a relative path below the base dir. */
export const upload = async (req: Request, ctx: RuntimeContext): Promise<Response> => {
  const missing = () =>
    unprocessable([{ type: "missing", loc: ["body", "file"], msg: "Field required", input: null }]);
  if (!FORM_TYPES.test(req.headers.get("content-type") ?? "")) return missing();
  let form: Awaited<ReturnType<Request["formData"]>>;
  try {
    form = await req.formData();
  } catch {
    return json({ detail: "There was an error parsing the body" }, 400);
  }
  const file = form.get("file");
  if (file === null) return missing();
  if (typeof file === "string") {
    const msg = "Value error, Expected UploadFile, received: <class 'str'>";
    return unprocessable([{ type: "value_error", loc: ["body", "file"], msg, input: file }]);
  }
  // A part without a filename arrives as a bare Blob; there is nothing to name the file by.
  const name = (file as { name?: string }).name ?? "";
  if (name === "") return json({ message: "File upload failed: the file part has no filename" }, 400);
  const target = await resolveConfined(ctx.baseDir, name);
  if (target === undefined) return accessDenied();
  try {
    await writeAtomically(target, file);
    return json({ message: `File '${name}' uploaded successfully.` });
  } catch (error) {
    return json(
      { message: `File upload failed: ${error instanceof Error ? error.message : String(error)}` },
      500,
    );
  }
};

/** `GET /download/<path>`: the file's bytes, named by the decoded path. */
export const download = async (pathParam: string, ctx: RuntimeContext): Promise<Response> => {
  const path = unquote(pathParam);
  const target = await resolveConfined(ctx.baseDir, path);
  if (target === undefined) return accessDenied();
  const stats = await stat(target).catch(() => undefined);
  if (!stats?.isFile()) return json({ message: "File not found" }, 404);
  return new Response(Bun.file(target), {
    headers: {
      "content-type": "application/octet-stream",
      "content-disposition": attachmentDisposition(path),
      "last-modified": stats.mtime.toUTCString(),
    },
  });
};

/** `GET /list/<path>`: the entries of a directory; symlinks are described by what they point to. */
export const list = async (pathParam: string, ctx: RuntimeContext): Promise<Response> => {
  const target = await resolveConfined(ctx.baseDir, unquote(pathParam));
  if (target === undefined) return accessDenied();
  const stats = await stat(target).catch(() => undefined);
  if (!stats?.isDirectory()) return json({ message: "Path is not a directory" }, 404);
  try {
    const names = await readdir(target);
    const entries = await Promise.all(
      names.map(async (name) => {
        // A dangling symlink has no target to describe; report the link itself rather than fail the listing.
        const s = await stat(join(target, name)).catch(() => lstat(join(target, name)));
        return {
          name,
          size: s.size,
          type: s.isDirectory() ? "directory" : "file",
          mod_time: s.mtimeMs / 1000,
        };
      }),
    );
    return json(entries);
  } catch (error) {
    return json(
      { message: `List files failed: ${error instanceof Error ? error.message : String(error)}` },
      500,
    );
  }
};

/** `GET /exists/<path>`: whether the path (following symlinks) exists. */
export const exists = async (pathParam: string, ctx: RuntimeContext): Promise<Response> => {
  const path = unquote(pathParam);
  const target = await resolveConfined(ctx.baseDir, path);
  if (target === undefined) return accessDenied();
  const found = await stat(target).then(
    () => true,
    () => false,
  );
  return json({ path, exists: found });
};
