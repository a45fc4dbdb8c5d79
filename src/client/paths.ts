// Paths sent to the runtime, sanitised as the Python SDK does so a client never asks for a file outside
// the sandbox's base directory (the runtime refuses those too; this fails earlier and says why).
import { posix } from "node:path";
import { Either } from "effect";
import { InvalidPath } from "./errors";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A relative, normalised path inside the sandbox: leading `/` stripped, no `..` segment, no control chars. */
export const sandboxPath = (path: string): Either.Either<string, InvalidPath> => {
  if (CONTROL.test(path))
    return Either.left(
      new InvalidPath({ path, message: `path contains control characters: ${JSON.stringify(path)}` }),
    );
  if (path.split(/[\\/]/).includes(".."))
    return Either.left(new InvalidPath({ path, message: `path must not contain "..": ${path}` }));
  const normal = posix.normalize(path.replace(/^\/+/, "")).replace(/\/+$/, "");
  if (normal === "." || normal === "")
    return Either.left(new InvalidPath({ path, message: "path names no file" }));
  return Either.right(normal);
};

/** One path segment for the legacy runtime's `/download/<p>` style routes: `/` travels as `%2F`. */
export const encodeWhole = (path: string): string => encodeURIComponent(path);
