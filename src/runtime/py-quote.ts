const SAFE = /[A-Za-z0-9_.\-~/]/;
const utf8 = new TextEncoder();

/** Percent-encodes like Python's `urllib.parse.quote(s)` (only `/` kept besides unreserved characters). */
export const quote = (s: string): string => {
  let out = "";
  for (const ch of s) {
    if (SAFE.test(ch)) out += ch;
    else for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
};

/**
 * The `Content-Disposition` of a download, as Starlette's FileResponse builds it: a plain quoted
 * filename when it needs no escaping, RFC 5987 `filename*` otherwise.
 */
export const attachmentDisposition = (filename: string): string => {
  const quoted = quote(filename);
  return quoted === filename
    ? `attachment; filename="${filename}"`
    : `attachment; filename*=utf-8''${quoted}`;
};
