/**
 * Linux's limit on one path component (NAME_MAX), in bytes of the name's UTF-8 encoding. A longer name
 * can never exist, so asking for one is bad input rather than a missing file or a server fault.
 */
export const NAME_MAX_BYTES = 255;

/** Why `path` (components separated by `/`) cannot name a file, or undefined when every component fits. */
export const overlongComponent = (path: string): string | undefined => {
  for (const part of path.split("/")) {
    const bytes = Buffer.byteLength(part, "utf8");
    if (bytes > NAME_MAX_BYTES)
      return `a path component is ${bytes} bytes long; the limit is ${NAME_MAX_BYTES}`;
  }
  return undefined;
};
