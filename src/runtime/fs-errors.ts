import { filesError } from "./responses";

/**
 * Filesystem errors that come from the request (the path it names, or what is in the way), mapped to
 * sandboxd's 4xx errors. Anything else (a full disk, an I/O error) stays a 500: the server is at fault.
 */

/** The errno code of a Node filesystem error, if it has one. */
export const errnoOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Errors that mean the same whatever the operation; conflicts are told apart by each handler first. */
export const filesErrorFromFs = (error: unknown, path: string): Response => {
  switch (errnoOf(error)) {
    case "ENAMETOOLONG":
      return filesError("INVALID_ARGUMENT", "the path is too long for the filesystem", path);
    case "ENOENT":
    case "ENOTDIR":
      return filesError("NOT_FOUND", "no such file or directory", path);
    case "EACCES":
    case "EPERM":
      return filesError("PERMISSION_DENIED", "the filesystem denies access to the path", path);
    default:
      return filesError("INTERNAL", messageOf(error), path);
  }
};
