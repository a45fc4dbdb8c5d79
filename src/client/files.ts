// Files in a sandbox over the legacy runtime endpoints (`/upload`, `/download`, `/list`, `/exists`), which
// every runtime generation serves, plus `/v1/files` for deletion, which the legacy API lacks.
import type { BodyInit } from "bun";
import { Effect, Either } from "effect";
import type { InvalidPath, RequestError } from "./errors";
import { encodeWhole, sandboxPath } from "./paths";
import { type Route, readJson, send } from "./transport";

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
    send(route, {
      operation: "files.write",
      method: "POST",
      path: "upload",
      body: (): BodyInit => {
        const form = new FormData();
        form.append("file", new Blob([content]), safe);
        return form;
      },
      timeoutSeconds: options.timeout ?? DEFAULT_FILE_TIMEOUT_SECONDS,
      // Writing the same bytes twice leaves the same file.
      replayable: true,
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
    send(route, {
      operation: "files.read",
      method: "GET",
      path: `download/${encodeWhole(safe)}`,
      timeoutSeconds: options.timeout ?? DEFAULT_FILE_TIMEOUT_SECONDS,
      replayable: true,
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
  send(route, {
    operation: "files.list",
    method: "GET",
    path: `list/${encodeWhole(path)}`,
    timeoutSeconds: options.timeout ?? DEFAULT_FILE_TIMEOUT_SECONDS,
    replayable: true,
  }).pipe(
    Effect.flatMap((response) => readJson<ListedEntry[]>("files.list", response)),
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
  send(route, {
    operation: "files.exists",
    method: "GET",
    path: `exists/${encodeWhole(path)}`,
    timeoutSeconds: options.timeout ?? DEFAULT_FILE_TIMEOUT_SECONDS,
    replayable: true,
  }).pipe(
    Effect.flatMap((response) => readJson<{ exists?: boolean }>("files.exists", response)),
    Effect.map((body) => body.exists === true),
  );

/** Deletes a file, or a directory with `recursive`. A missing path is not an error. */
export const remove = (
  route: Route,
  path: string,
  options: FileOptions & { readonly recursive?: boolean } = {},
): Effect.Effect<void, FileError> =>
  checked(path, (safe) =>
    send(route, {
      operation: "files.delete",
      method: "DELETE",
      path: `v1/files/${encodeWhole(safe)}${options.recursive ? "?recursive=true" : ""}`,
      timeoutSeconds: options.timeout ?? DEFAULT_FILE_TIMEOUT_SECONDS,
      replayable: true,
    }).pipe(
      Effect.asVoid,
      Effect.catchIf(
        (error) => error._tag === "SandboxRequestError" && error.status === 404,
        () => Effect.void,
      ),
    ),
  );
