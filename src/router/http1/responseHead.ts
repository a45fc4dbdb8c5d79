// HTTP/1.1 response head parsing for the router's upstream client (RFC 9112 §4-6). Pure: bytes in, head out.
// Hop-by-hop headers (and those named in Connection) are dropped here, so the head is ready for the client.

import { FieldLine, isOws } from "./fieldLine";
import { isOtherHopByHop, RESPONSE_NAMES, ResponseName } from "./responseNames";

const line = new FieldLine();

export interface ResponseHead {
  readonly status: number;
  readonly statusText: string;
  /**
   * What the client gets, flat: name, value, name, value... in the upstream's order and case (a repeated
   * name such as Set-Cookie stays repeated). Flat strings, not an object: keying an object by each name
   * costs more than the rest of the parse.
   */
  readonly fields: string[];
  /** Declared body length, or -1 (none declared, or overridden by Transfer-Encoding). */
  readonly contentLength: number;
  /** Transfer-Encoding ends in chunked: the body is chunk-framed. */
  readonly chunked: boolean;
  /** The body runs until the upstream closes (Transfer-Encoding without chunked, or no framing at all). */
  readonly closeDelimited: boolean;
  /** The upstream asked to close the connection after this response (or spoke HTTP/1.0). */
  readonly close: boolean;
  readonly hasContentType: boolean;
  /**
   * The head as received is fit for the client unchanged: HTTP/1.1, nothing hop-by-hop in it but a lone
   * `Transfer-Encoding: chunked` (the router relays chunked bodies as they are).
   */
  readonly verbatim: boolean;
}

export type HeadParse = ResponseHead | "invalid";

/** A head larger than this is refused (nginx's default large buffer is 8 KiB; this is generous). */
export const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Index just past the blank line ending the head (CRLFCRLF), or -1. `from` lets a caller that accumulates
 * bytes resume the scan instead of starting over.
 */
export function findHeadEnd(buf: Uint8Array, from = 0): number {
  for (let i = Math.max(from, 3); i < buf.length; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
  }
  return -1;
}

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Decimal digits only; a list of equal values (`5, 5`) counts as one, as RFC 9110 §8.6 allows. */
function parseContentLength(value: string): number {
  let result = -1;
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i === value.length ? 44 : value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 15) return Number.NaN;
      n = n * 10 + (c - 48);
    } else if (c === 44 /* , */) {
      if (digits === 0 || (result !== -1 && n !== result)) return Number.NaN;
      result = n;
      n = 0;
      digits = 0;
      while (i + 1 < value.length && isOws(value.charCodeAt(i + 1))) i++;
    } else if (!(isOws(c) && digits > 0)) {
      return Number.NaN;
    }
  }
  return result;
}

/**
 * Parses `head` (latin1 text up to and including the blank line). Obsolete line folding, malformed names,
 * conflicting Content-Length values and bare LF line ends are "invalid".
 */
export function parseResponseHead(head: string): HeadParse {
  const lineEnd = head.indexOf("\r\n");
  if (lineEnd < 12 || !head.startsWith("HTTP/1.")) return "invalid";
  const minor = head.charCodeAt(7);
  if ((minor !== 48 && minor !== 49) || head.charCodeAt(8) !== 32) return "invalid";
  const d0 = head.charCodeAt(9) - 48;
  const d1 = head.charCodeAt(10) - 48;
  const d2 = head.charCodeAt(11) - 48;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return "invalid";
  if (lineEnd > 12 && head.charCodeAt(12) !== 32) return "invalid";
  const statusText = lineEnd > 13 ? head.slice(13, lineEnd) : "";

  let fields: string[] = [];
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = "";
  let hasContentType = false;
  let verbatim = minor === 49;
  const end = head.length - 2;
  let pos = lineEnd + 2;
  while (pos < end) {
    if (!line.read(head, pos)) return "invalid";
    const colon = line.colon;
    // Names are classified in place and forwarded in the upstream's own case (Headers are case-insensitive).
    const kind: ResponseName = RESPONSE_NAMES.findInText(head, pos, colon);
    const value = head.slice(line.valueStart, line.valueEnd);
    const start = pos;
    pos = line.eol + 2;
    if (kind === ResponseName.ContentLength) {
      const n = parseContentLength(value);
      if (Number.isNaN(n) || (contentLength !== -1 && n !== contentLength)) return "invalid";
      if (contentLength !== -1) continue;
      contentLength = n;
    } else if (kind === ResponseName.TransferEncoding) {
      transferEncoding = transferEncoding ? `${transferEncoding},${value}` : value;
      continue;
    } else if (kind === ResponseName.Connection) {
      connection = connection ? `${connection},${value}` : value;
      continue;
    } else if (isOtherHopByHop(kind)) {
      verbatim = false;
      continue;
    } else if (kind === ResponseName.ContentType) {
      hasContentType = true;
    }
    fields.push(head.slice(start, colon), value);
  }
  if (pos !== end) return "invalid";

  let close = minor === 48;
  if (connection !== "") {
    verbatim = false;
    const tokens = connection.split(",").map((t) => trimOws(t).toLowerCase());
    const named = tokens.filter((t) => t !== "close" && t !== "keep-alive" && t !== "");
    if (named.length > 0) fields = dropNamed(fields, named);
    // HTTP/1.0 closes unless it asks to keep alive; 1.1 keeps alive unless it asks to close.
    close = tokens.includes("close") || (close && !tokens.includes("keep-alive"));
  }

  let chunked = false;
  let closeDelimited = false;
  if (transferEncoding !== undefined) {
    // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3): chunked last means chunk framing, else close.
    const codings = transferEncoding.split(",").map((t) => trimOws(t).toLowerCase());
    chunked = codings[codings.length - 1] === "chunked";
    closeDelimited = !chunked;
    if (contentLength !== -1) fields = dropNamed(fields, ["content-length"]);
    if (contentLength !== -1 || transferEncoding.toLowerCase() !== "chunked") verbatim = false;
    contentLength = -1;
  } else if (contentLength === -1) {
    closeDelimited = true;
  }
  const status = d0 * 100 + d1 * 10 + d2;
  return {
    status,
    statusText,
    fields,
    contentLength,
    chunked,
    closeDelimited,
    close,
    hasContentType,
    verbatim,
  };
}

/** `fields` without the names listed (lowercase). */
function dropNamed(fields: string[], named: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    if (!named.includes(fields[i]!.toLowerCase())) kept.push(fields[i]!, fields[i + 1]!);
  }
  return kept;
}

/** Statuses whose responses never have a body, whatever their headers say (RFC 9112 §6.3). */
export function hasNoBody(status: number, requestMethod: string): boolean {
  return requestMethod === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200);
}
