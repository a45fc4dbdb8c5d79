// HTTP/1.1 request head parsing for the router's own listener (RFC 9112 §2-3, §6). Pure: latin1 text in,
// head out. It accepts only plain, unambiguous HTTP/1.1 requests; anything else ("other") is handed to
// Bun's server, which answers or rejects it exactly as it always has (HTTP/1.0, upgrades, Expect,
// absolute-form targets, odd framing, malformed heads).
import { FieldLine } from "./fieldLine";
import { isToken } from "./token";

const line = new FieldLine();

export interface RequestHead {
  readonly method: string;
  /** The origin-form request target, byte for byte as the client sent it. */
  readonly target: string;
  /** Flat: lowercase name, value, name, value... in the client's order (repeated names stay repeated). */
  readonly fields: string[];
  /** Declared body length, or -1 when none was declared. */
  readonly contentLength: number;
  /** The body is chunk-framed (Transfer-Encoding: chunked, alone). */
  readonly chunked: boolean;
  /** The client asked to close the connection after this exchange. */
  readonly close: boolean;
  /** Connection header value (joined), for the names it lists. */
  readonly connection: string;
  /** Every byte of the head is printable ASCII (or HTAB, CR, LF): as a string it encodes to itself. */
  readonly ascii: boolean;
}

export type RequestParse = RequestHead | "other";

/** Visible ASCII only (no spaces, controls or raw non-ASCII): the target is forwarded exactly as received. */
function isTarget(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(start) !== 47 /* / */) return false;
  for (let i = start + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

/** Controls other than HTAB, CR and LF anywhere in a head: never valid in a field value. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN_CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F]/;
/** Anything but printable ASCII, HTAB, CR and LF: the common head has none, so one scan settles both checks. */
const NOT_PLAIN = /[^\t\r\n\x20-\x7e]/;

/** Plain decimal, at most 15 digits (a list form or a sign goes to Bun's parser). */
function parseLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Whether a Connection value lists `close` (case-insensitive token in a comma list). */
function listsClose(connection: string): boolean {
  for (const token of connection.split(",")) if (token.trim().toLowerCase() === "close") return true;
  return false;
}

/** Parses `head` (latin1, up to and including the blank line). */
export function parseRequestHead(head: string): RequestParse {
  const ascii = !NOT_PLAIN.test(head);
  if (!ascii && FORBIDDEN_CONTROL.test(head)) return "other";
  const lineEnd = head.indexOf("\r\n");
  const sp1 = head.indexOf(" ");
  if (sp1 <= 0 || sp1 > lineEnd) return "other";
  const sp2 = head.indexOf(" ", sp1 + 1);
  if (sp2 === -1 || sp2 > lineEnd || lineEnd - sp2 !== 9 || !head.startsWith("HTTP/1.1", sp2 + 1)) {
    return "other";
  }
  if (!isToken(head, 0, sp1) || !isTarget(head, sp1 + 1, sp2)) return "other";

  // Names are sliced from one lowercased copy: a toLowerCase per name costs more than the rest of the parse.
  const lower = head.toLowerCase();
  const fields: string[] = [];
  let contentLength = -1;
  let chunked = false;
  let connection = "";
  let hosts = 0;
  const end = head.length - 2;
  let pos = lineEnd + 2;
  while (pos < end) {
    if (!line.read(head, pos)) return "other";
    const name = lower.slice(pos, line.colon);
    const value = head.slice(line.valueStart, line.valueEnd);
    pos = line.eol + 2;
    switch (name) {
      case "content-length":
        // One plain length, once: anything ambiguous about where the body ends is Bun's to judge.
        if (contentLength !== -1 || chunked) return "other";
        contentLength = parseLength(value);
        if (contentLength === -1) return "other";
        break;
      case "transfer-encoding":
        if (chunked || contentLength !== -1 || value.toLowerCase() !== "chunked") return "other";
        chunked = true;
        break;
      case "connection":
        connection = connection === "" ? value : `${connection}, ${value}`;
        break;
      case "host":
        hosts++;
        break;
      case "upgrade":
      case "expect":
        // WebSocket handshakes and 100-continue are served by Bun's server.
        return "other";
      default:
        break;
    }
    fields.push(name, value);
  }
  // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2); Bun's server judges the rest.
  if (pos !== end || hosts !== 1) return "other";
  return {
    method: head.slice(0, sp1),
    target: head.slice(sp1 + 1, sp2),
    fields,
    contentLength,
    chunked,
    close: connection !== "" && listsClose(connection),
    connection,
    ascii,
  };
}

/**
 * Field lookup over a parsed head, shaped like the part of `Headers` the routing rules read. Repeated names
 * are joined with ", " as Headers would.
 */
export class FieldReader {
  constructor(private readonly fields: readonly string[]) {}

  get(name: string): string | null {
    let out: string | null = null;
    const fields = this.fields;
    for (let i = 0; i < fields.length; i += 2) {
      if (fields[i] === name) out = out === null ? fields[i + 1]! : `${out}, ${fields[i + 1]!}`;
    }
    return out;
  }

  has(name: string): boolean {
    const fields = this.fields;
    for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return true;
    return false;
  }
}
