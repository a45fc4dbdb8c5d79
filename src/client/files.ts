// Files in a sandbox over the legacy runtime endpoints (`/upload`, `/download`, `/list`, `/exists`), which
// every runtime generation serves, plus `/v1/files` for deletion, which the legacy API lacks.
import type { BodyInit } from "bun";
import { Effect, Either } from "effect";
import type { InvalidPath, RequestError } from "./errors";
import { encodeWhole, sandboxPath } from "./paths";
import { type RequestSpec, type Route, readJson, send } from "./transport";

export interface FileEntry {
  readonly name: string;
  readonly size: number;
  readonly type: "file" | "directory";
  readonly modified: Date;
}

export interface FileOptions {
  /** Seconds before the call fails with RequestTimeout. Default 60. */
  readonly timeout?: number;
}

const DEFAULT_FILE_TIMEOUT_SECONDS = 60;
type FileError = RequestError | InvalidPath;

/**
 * Sends a files call with the caller's timeout. Every files call may run twice with the same outcome (the same
 * bytes written twice leave the same file; deleting a missing path is not an error), so all are replayable.
 */
const sendFiles = (
  route: Route,
  options: FileOptions,
  spec: Omit<RequestSpec, "timeoutSeconds" | "replayable">,
): Effect.Effect<Response, RequestError> =>
  send(route, { ...spec, timeoutSeconds: options.timeout ?? DEFAULT_FILE_TIMEOUT_SECONDS, replayable: true });

/** A GET whose answer is JSON. */
const getJson = <A>(
  route: Route,
  options: FileOptions,
  operation: string,
  path: string,
): Effect.Effect<A, RequestError> =>
  sendFiles(route, options, { operation, method: "GET", path }).pipe(
    Effect.flatMap((response) => readJson<A>(operation, response)),
  );

const checked = <A, E>(path: string, use: (safe: string) => Effect.Effect<A, E>) =>
  Either.match(sandboxPath(path), { onLeft: (error) => Effect.fail(error), onRight: use });

/** Writes `content` to `path` (relative to the sandbox's base directory; parents are created). */
export const write = (
  route: Route,
  path: string,
  content: string | Uint8Array,
  options: FileOptions = {},
): Effect.Effect<void, FileError> =>
  checked(path, (safe) =>
    sendFiles(route, options, {
      operation: "files.write",
      method: "POST",
      path: "upload",
      body: (): BodyInit => {
        const form = new FormData();
        form.append("file", new Blob([content]), safe);
        return form;
      },
    }).pipe(
      Effect.flatMap((response) => Effect.promise(() => response.arrayBuffer())),
      Effect.asVoid,
    ),
  );

/** Reads a whole file. */
export const read = (
  route: Route,
  path: string,
  options: FileOptions = {},
): Effect.Effect<Uint8Array, FileError> =>
  checked(path, (safe) =>
    sendFiles(route, options, {
      operation: "files.read",
      method: "GET",
      path: `download/${encodeWhole(safe)}`,
    }).pipe(Effect.flatMap((response) => Effect.promise(() => response.bytes()))),
  );

interface ListedEntry {
  name: string;
  size: number;
  type: "file" | "directory";
  mod_time: number;
}

/** Lists a directory ("." for the base directory). */
export const list = (
  route: Route,
  path: string,
  options: FileOptions = {},
): Effect.Effect<ReadonlyArray<FileEntry>, RequestError> =>
  getJson<ListedEntry[]>(route, options, "files.list", `list/${encodeWhole(path)}`).pipe(
    Effect.map((entries) =>
      entries.map((e) => ({
        name: e.name,
        size: e.size,
        type: e.type,
        modified: new Date(e.mod_time * 1000),
      })),
    ),
  );

export const exists = (
  route: Route,
  path: string,
  options: FileOptions = {},
): Effect.Effect<boolean, RequestError> =>
  getJson<{ exists?: boolean }>(route, options, "files.exists", `exists/${encodeWhole(path)}`).pipe(
    Effect.map((body) => body.exists === true),
  );

/** Deletes a file, or a directory with `recursive`. A missing path is not an error. */
export const remove = (
  route: Route,
  path: string,
  options: FileOptions & { readonly recursive?: boolean } = {},
): Effect.Effect<void, FileError> =>
  checked(path, (safe) =>
    sendFiles(route, options, {
      operation: "files.delete",
      method: "DELETE",
      path: `v1/files/${encodeWhole(safe)}${options.recursive ? "?recursive=true" : ""}`,
    }).pipe(
      Effect.asVoid,
      Effect.catchIf(
        (error) => error._tag === "SandboxRequestError" && error.status === 404,
        () => Effect.void,
      ),
    ),
  );
