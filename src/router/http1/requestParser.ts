// HTTP/1.1 request head parsing for the router's own listener (RFC 9112 §2-3, §6), on the head's bytes: no
// string is made for the head, its names or the values nobody reads. It accepts only plain, unambiguous
// HTTP/1.1 requests; anything else ("other") is handed to Bun's server, which answers or rejects it exactly
// as it always has (HTTP/1.0, upgrades, Expect, absolute-form targets, odd framing, malformed heads).
import { type HeaderReader, REQUEST_EXCLUDED } from "../headers";
import { isChunked, NameTable } from "./nameTable";
import { TOKEN } from "./token";

/** Names the parser acts on (their ids are fixed), then every name never forwarded upstream. */
export const FIELD_NAMES = new NameTable([
  ...new Set([
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "expect",
    ...REQUEST_EXCLUDED.names,
  ]),
]);
const HOST = 0;
const CONTENT_LENGTH = 1;
const TRANSFER_ENCODING = 2;
const CONNECTION = 3;
const UPGRADE = 4;
const EXPECT = 5;

/** Per field line in `RequestHead.spans`: name start, colon, value start and end (OWS trimmed), CR, name id. */
export const SPAN = 6;
export const NAME_START = 0;
export const COLON = 1;
export const VALUE_START = 2;
export const VALUE_END = 3;
export const LINE_END = 4;
/** Index in FIELD_NAMES, or -1 for any other name. */
export const NAME_ID = 5;

export class RequestHead implements HeaderReader {
  constructor(
    /** The received bytes; the head is `[0, end)`, and what follows is not the head's. */
    readonly bytes: Buffer,
    readonly method: string,
    /** The origin-form request target, byte for byte as the client sent it. */
    readonly target: string,
    /** Where the first field line starts (after the request line's CRLF). */
    readonly fieldsStart: number,
    /**
     * SPAN numbers per field line, in the client's order; the connection's array, valid while this is the
     * connection's current head.
     */
    readonly spans: readonly number[],
    /** Declared body length, or -1 when none was declared. */
    readonly contentLength: number,
    /** The body is chunk-framed (Transfer-Encoding: chunked, alone). */
    readonly chunked: boolean,
    /** Connection values joined with ", " ("" when none), for the names they list. */
    readonly connection: string,
  ) {}

  /** The client asked to close the connection after this exchange. */
  get close(): boolean {
    return this.connection !== "" && listsClose(this.connection);
  }

  /** A field's value, repeated names joined with ", " as Headers would; `name` is lowercase. */
  get(name: string): string | null {
    const id = FIELD_NAMES.idOf(name);
    const { spans, bytes } = this;
    let out: string | null = null;
    for (let i = 0; i < spans.length; i += SPAN) {
      if (id >= 0 ? spans[i + NAME_ID] !== id : !this.nameIs(i, name)) continue;
      const value = bytes.toString("latin1", spans[i + VALUE_START], spans[i + VALUE_END]);
      out = out === null ? value : `${out}, ${value}`;
    }
    return out;
  }

  has(name: string): boolean {
    const id = FIELD_NAMES.idOf(name);
    for (let i = 0; i < this.spans.length; i += SPAN) {
      if (id >= 0 ? this.spans[i + NAME_ID] === id : this.nameIs(i, name)) return true;
    }
    return false;
  }

  /** The span offset of the first field with FIELD_NAMES id `id`, or -1. */
  spanOf(id: number): number {
    for (let i = 0; i < this.spans.length; i += SPAN) if (this.spans[i + NAME_ID] === id) return i;
    return -1;
  }

  /** The lowercase name of the field at span offset `i`. */
  nameAt(i: number): string {
    return this.bytes.toString("latin1", this.spans[i + NAME_START], this.spans[i + COLON]).toLowerCase();
  }

  /** The field at span offset `i` is named `name` (lowercase; any token), outside FIELD_NAMES. */
  private nameIs(i: number, name: string): boolean {
    const start = this.spans[i + NAME_START]!;
    if (this.spans[i + NAME_ID] !== -1 || this.spans[i + COLON]! - start !== name.length) return false;
    for (let k = 0; k < name.length; k++) {
      const c = this.bytes[start + k]!;
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(k)) return false;
    }
    return true;
  }
}

export type RequestParse = RequestHead | "other";

const HTTP11_CRLF = Buffer.from("HTTP/1.1\r\n", "latin1");

/** Whether a Connection value lists `close` (case-insensitive token in a comma list). */
function listsClose(connection: string): boolean {
  for (const token of connection.split(",")) if (token.trim().toLowerCase() === "close") return true;
  return false;
}

/** Plain decimal, at most 15 digits (a list form or a sign goes to Bun's parser); -1 otherwise. */
function parseLength(buf: Uint8Array, start: number, end: number): number {
  if (end === start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Whether `buf[at, end)` starts with `bytes`. */
function startsWith(buf: Uint8Array, at: number, end: number, bytes: Uint8Array): boolean {
  if (at + bytes.length > end) return false;
  for (let k = 0; k < bytes.length; k++) if (buf[at + k] !== bytes[k]) return false;
  return true;
}

/** The method as a string; the usual ones without making one. */
function methodOf(buf: Buffer, end: number): string {
  if (end === 3 && buf[0] === 71 && buf[1] === 69 && buf[2] === 84) return "GET";
  if (end === 4 && buf[0] === 80 && buf[1] === 79 && buf[2] === 83 && buf[3] === 84) return "POST";
  return buf.toString("latin1", 0, end);
}

function isTokenByte(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

function isOws(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses the head `buf[0, end)`, which ends with its blank line (CRLF CRLF at `end`). The field spans are
 * written into `spans`: a connection passes the same array for each of its requests (one head at a time), as
 * a fresh array per request was most of what parsing allocated.
 */
export function parseRequestHead(buf: Buffer, end: number, spans: number[] = []): RequestParse {
  // Request line: token SP origin-form SP "HTTP/1.1" CRLF.
  let i = 0;
  while (isTokenByte(buf[i]!)) i++;
  const sp1 = i;
  if (sp1 === 0 || buf[sp1] !== 32 || buf[sp1 + 1] !== 47 /* / */) return "other";
  i = sp1 + 2;
  // Visible ASCII only (no spaces, controls or raw non-ASCII): the target is forwarded exactly as received.
  while (i < end && buf[i]! > 32 && buf[i]! < 127) i++;
  const sp2 = i;
  if (buf[sp2] !== 32 || !startsWith(buf, sp2 + 1, end, HTTP11_CRLF)) return "other";

  const fieldsStart = sp2 + 11;
  let count = 0;
  let contentLength = -1;
  let chunked = false;
  let connection = "";
  let hosts = 0;
  const last = end - 2;
  let pos = fieldsStart;
  while (pos < last) {
    let colon = pos;
    while (isTokenByte(buf[colon]!)) colon++;
    if (colon === pos || buf[colon] !== 58 /* : */) return "other";
    let valueStart = colon + 1;
    while (isOws(buf[valueStart])) valueStart++;
    // The value runs to the line's CR; controls other than HTAB (a bare LF among them) and DEL are refused.
    let eol = valueStart;
    while (eol < last && buf[eol] !== 13) {
      const c = buf[eol++]!;
      if ((c < 32 && c !== 9) || c === 127) return "other";
    }
    // A CR not followed by LF would split the line differently for the next parser than for this one.
    if (eol >= last || buf[eol + 1] !== 10) return "other";
    let valueEnd = eol;
    while (valueEnd > valueStart && isOws(buf[valueEnd - 1])) valueEnd--;
    const id = FIELD_NAMES.find(buf, pos, colon);
    switch (id) {
      case CONTENT_LENGTH:
        // One plain length, once: anything ambiguous about where the body ends is Bun's to judge.
        if (contentLength !== -1 || chunked) return "other";
        contentLength = parseLength(buf, valueStart, valueEnd);
        if (contentLength === -1) return "other";
        break;
      case TRANSFER_ENCODING:
        if (chunked || contentLength !== -1 || !isChunked(buf, valueStart, valueEnd)) return "other";
        chunked = true;
        break;
      case CONNECTION: {
        const value = buf.toString("latin1", valueStart, valueEnd);
        connection = connection === "" ? value : `${connection}, ${value}`;
        break;
      }
      case HOST:
        hosts++;
        break;
      case UPGRADE:
      case EXPECT:
        // WebSocket handshakes and 100-continue are served by Bun's server.
        return "other";
      default:
        break;
    }
    spans[count] = pos;
    spans[count + 1] = colon;
    spans[count + 2] = valueStart;
    spans[count + 3] = valueEnd;
    spans[count + 4] = eol;
    spans[count + 5] = id;
    count += SPAN;
    pos = eol + 2;
  }
  // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2); Bun's server judges the rest.
  if (pos !== last || hosts !== 1) return "other";
  spans.length = count;
  return new RequestHead(
    buf,
    methodOf(buf, sp1),
    buf.toString("latin1", sp1 + 1, sp2),
    fieldsStart,
    spans,
    contentLength,
    chunked,
    connection,
  );
}
