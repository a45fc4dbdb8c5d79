// Serialises the upstream request head for the router's own HTTP/1.1 client, applying the same header rules
// as the fetch path (headers.ts): from a Headers object (hand-off path) or from the listener's parsed head.
import { connectionTokens, type ForwardedFor, forwardsRequestHeader, REQUEST_EXCLUDED } from "../headers";
import {
  FIELD_NAMES,
  LINE_END,
  NAME_ID,
  NAME_START,
  type RequestHead,
  SPAN,
  VALUE_END,
  VALUE_START,
} from "./requestParser";

/** How the request body is framed upstream: none, the client's Content-Length, or chunked. */
export type BodyFraming = "none" | "length" | "chunked";

/** The fields the router adds after the client's, in this order, each followed by its value and CRLF. */
const FORWARDED_FOR = "x-forwarded-for: ";
const FORWARDED_HOST = "x-forwarded-host: ";
const FORWARDED_PROTO = "x-forwarded-proto: ";
const CHUNKED = "transfer-encoding: chunked\r\n";
const CRLF = "\r\n";

function forwardedFields(fwd: ForwardedFor, host: string | null, framing: BodyFraming): string {
  let text = `${FORWARDED_FOR}${fwd.clientIp}${CRLF}`;
  if (host !== null) text += `${FORWARDED_HOST}${host}${CRLF}`;
  text += `${FORWARDED_PROTO}${fwd.proto}${CRLF}`;
  if (framing === "chunked") text += CHUNKED;
  return text + CRLF;
}

/**
 * `method SP path HTTP/1.1`, Host rewritten to the target, the client's forwardable headers (`fields`: flat
 * lowercase name, value, ...), X-Forwarded-*, and Transfer-Encoding when the body goes chunked. Values come
 * from a parser that refuses CR and LF in them, so they cannot split the head.
 */
export function requestHead(
  method: string,
  pathAndQuery: string,
  hostPort: string,
  fields: readonly string[],
  fwd: ForwardedFor,
  framing: BodyFraming,
): string {
  let connection: string | null = null;
  let host: string | null = null;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i];
    if (name === "connection")
      connection = connection === null ? fields[i + 1]! : `${connection},${fields[i + 1]}`;
    else if (name === "host") host ??= fields[i + 1]!;
  }
  const named = connectionTokens(connection);
  let head = `${method} ${pathAndQuery} HTTP/1.1\r\n${HOST_FIELD}${hostPort}\r\n`;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (!forwardsRequestHeader(name, named)) continue;
    if (framing === "chunked" && name === "content-length") continue;
    head += `${name}: ${fields[i + 1]}\r\n`;
  }
  return head + forwardedFields(fwd, host, framing);
}

/** Per FIELD_NAMES id: 1 when that name never goes upstream. */
const EXCLUDED = Uint8Array.from(FIELD_NAMES.names, (name) => (REQUEST_EXCLUDED.has(name) ? 1 : 0));
const CONTENT_LENGTH = FIELD_NAMES.idOf("content-length");
const HOST = FIELD_NAMES.idOf("host");
const HOST_FIELD = "host: ";
const NONE: readonly string[] = [];

/**
 * Builds upstream heads from the listener's parsed heads into one reused buffer: the request line and the
 * forwarded field lines are copied as the client sent them (its case and spacing), Host and X-Forwarded-*
 * are the router's.
 */
export class UpstreamHeadWriter {
  /** Holds the last head written, valid until the next `write`. */
  buffer = Buffer.allocUnsafe(16 * 1024);

  /** Writes the upstream head for `head` into `buffer` and returns its length. */
  write(head: RequestHead, hostPort: string, fwd: ForwardedFor, framing: BodyFraming): number {
    // Names the client listed in Connection go no further either (the excluded ones are gone anyway).
    const named = head.connection === "" ? NONE : connectionTokens(head.connection).filter(notExcluded);
    const { spans, bytes } = head;
    const host = head.spanOf(HOST);
    let length =
      head.fieldsStart +
      HOST_FIELD.length +
      hostPort.length +
      FORWARDED_FOR.length +
      fwd.clientIp.length +
      FORWARDED_PROTO.length +
      fwd.proto.length +
      3 * CRLF.length +
      (host === -1
        ? 0
        : FORWARDED_HOST.length + spans[host + VALUE_END]! - spans[host + VALUE_START]! + CRLF.length) +
      (framing === "chunked" ? CHUNKED.length : 0) +
      CRLF.length;
    for (let i = 0; i < spans.length; i += SPAN) {
      if (forwards(head, i, named, framing)) length += spans[i + LINE_END]! + 2 - spans[i + NAME_START]!;
    }
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
    const out = this.buffer;
    // Pieces go in one by one: building the head as a string first would only be copied again here.
    let at = copy(bytes, 0, head.fieldsStart, out, 0);
    at = writeLatin1(HOST_FIELD, out, at);
    at = writeLatin1(hostPort, out, at);
    at = writeLatin1(CRLF, out, at);
    for (let i = 0; i < spans.length; i += SPAN) {
      if (forwards(head, i, named, framing)) {
        at = copy(bytes, spans[i + NAME_START]!, spans[i + LINE_END]! + 2, out, at);
      }
    }
    at = writeLatin1(FORWARDED_FOR, out, at);
    at = writeLatin1(fwd.clientIp, out, at);
    at = writeLatin1(CRLF, out, at);
    if (host !== -1) {
      at = writeLatin1(FORWARDED_HOST, out, at);
      at = copy(bytes, spans[host + VALUE_START]!, spans[host + VALUE_END]!, out, at);
      at = writeLatin1(CRLF, out, at);
    }
    at = writeLatin1(FORWARDED_PROTO, out, at);
    at = writeLatin1(fwd.proto, out, at);
    at = writeLatin1(CRLF, out, at);
    if (framing === "chunked") at = writeLatin1(CHUNKED, out, at);
    return writeLatin1(CRLF, out, at);
  }
}

function notExcluded(name: string): boolean {
  return !REQUEST_EXCLUDED.has(name);
}

/** Whether the field at span offset `i` goes upstream. */
function forwards(head: RequestHead, i: number, named: readonly string[], framing: BodyFraming): boolean {
  const id = head.spans[i + NAME_ID]!;
  if (id !== -1 && (EXCLUDED[id] === 1 || (framing === "chunked" && id === CONTENT_LENGTH))) return false;
  if (named.length === 0) return true;
  const name = id === -1 ? head.nameAt(i) : FIELD_NAMES.names[id]!;
  return !named.includes(name);
}

/** Copies `src[start, end)` to `out` at `at`; returns where it ended. Most lines are short: a loop beats a call. */
function copy(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  if (end - start > 256) {
    out.set(src.subarray(start, end), at);
    return at + end - start;
  }
  for (let i = start; i < end; i++) out[at++] = src[i]!;
  return at;
}

/** Writes a string of latin1 characters to `out` at `at`; returns where it ended. */
function writeLatin1(text: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** A Headers object as flat lowercase name, value pairs. */
export function flatFields(headers: Headers): string[] {
  const out: string[] = [];
  headers.forEach((value, name) => {
    out.push(name, value);
  });
  return out;
}
