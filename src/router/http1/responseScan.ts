// The framing of the common response head, read straight from its bytes without making a string: HTTP/1.1, a
// final status, one Content-Length or a lone `Transfer-Encoding: chunked`, and nothing hop-by-hop, so the
// router can relay the head as received. Anything else, or anything in doubt, is left to the full parser
// (responseHead.ts), which is the reference this scan must agree with (fast-check tested).
import type { ResponseHead } from "./responseHead";
import { TOKEN } from "./token";

const HTTP11 = [72, 84, 84, 80, 47, 49, 46, 49, 32]; // "HTTP/1.1 "
const NO_FIELDS: string[] = [];

enum Name {
  Other,
  ContentLength,
  TransferEncoding,
  ContentType,
  HopByHop,
}

/** Case-insensitive compare of `b[start..start+lower.length)` with a lowercase name (token bytes only). */
function nameIs(b: Uint8Array, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((b[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

function classify(b: Uint8Array, start: number, length: number): Name {
  switch (length) {
    case 14:
      return nameIs(b, start, "content-length") ? Name.ContentLength : Name.Other;
    case 17:
      return nameIs(b, start, "transfer-encoding") ? Name.TransferEncoding : Name.Other;
    case 12:
      return nameIs(b, start, "content-type") ? Name.ContentType : Name.Other;
    case 10:
      return nameIs(b, start, "connection") || nameIs(b, start, "keep-alive") ? Name.HopByHop : Name.Other;
    case 2:
      return nameIs(b, start, "te") ? Name.HopByHop : Name.Other;
    case 7:
      return nameIs(b, start, "upgrade") ? Name.HopByHop : Name.Other;
    case 8:
      return nameIs(b, start, "trailers") ? Name.HopByHop : Name.Other;
    case 18:
      return nameIs(b, start, "proxy-authenticate") ? Name.HopByHop : Name.Other;
    case 19:
      return nameIs(b, start, "proxy-authorization") ? Name.HopByHop : Name.Other;
    default:
      return Name.Other;
  }
}

/** Field-value and reason-phrase bytes: HTAB, SP, visible ASCII and obs-text; never another control. */
function isTextByte(c: number): boolean {
  return c === 9 || (c >= 32 && c !== 127);
}

/** A scanned head's framing; an upstream connection keeps one and fills it for each response it carries. */
export class ScannedHead implements ResponseHead {
  status = 0;
  readonly statusText = "";
  readonly fields = NO_FIELDS;
  contentLength = -1;
  chunked = false;
  readonly closeDelimited = false;
  readonly close = false;
  hasContentType = false;
  readonly verbatim = true;
}

/**
 * The head in `b[0..end)` (ending with the blank line) as a ResponseHead to relay unchanged, written into
 * `into`, or undefined when the full parser must look at it. Its `fields` are not filled in: a head relayed as
 * received needs none.
 */
export function scanRelayableHead(
  b: Uint8Array,
  end: number,
  into: ScannedHead = new ScannedHead(),
): ResponseHead | undefined {
  if (end < 16) return undefined;
  for (let i = 0; i < 9; i++) if (b[i] !== HTTP11[i]) return undefined;
  const d0 = b[9]! - 48;
  const d1 = b[10]! - 48;
  const d2 = b[11]! - 48;
  if (d0 < 2 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  let pos = 12;
  if (b[pos] === 32) {
    pos++;
    while (pos < end && b[pos] !== 13) if (!isTextByte(b[pos++]!)) return undefined;
  }
  if (b[pos] !== 13 || b[pos + 1] !== 10) return undefined;
  pos += 2;

  let contentLength = -1;
  let chunked = false;
  let hasContentType = false;
  for (;;) {
    if (pos >= end) return undefined;
    if (b[pos] === 13) {
      if (b[pos + 1] !== 10 || pos + 2 !== end) return undefined;
      break;
    }
    const nameStart = pos;
    while (pos < end && b[pos]! < 128 && TOKEN[b[pos]!] === 1) pos++;
    if (pos === nameStart || b[pos] !== 58 /* : */) return undefined;
    const kind = classify(b, nameStart, pos - nameStart);
    if (kind === Name.HopByHop) return undefined;
    pos++;
    while (b[pos] === 32 || b[pos] === 9) pos++;
    const valueStart = pos;
    while (pos < end && b[pos] !== 13) if (!isTextByte(b[pos++]!)) return undefined;
    if (pos >= end || b[pos + 1] !== 10) return undefined;
    let valueEnd = pos;
    while (valueEnd > valueStart && (b[valueEnd - 1] === 32 || b[valueEnd - 1] === 9)) valueEnd--;
    pos += 2;
    if (kind === Name.ContentLength) {
      if (contentLength !== -1 || valueEnd === valueStart || valueEnd - valueStart > 15) return undefined;
      let n = 0;
      for (let i = valueStart; i < valueEnd; i++) {
        const digit = b[i]! - 48;
        if (digit < 0 || digit > 9) return undefined;
        n = n * 10 + digit;
      }
      contentLength = n;
    } else if (kind === Name.TransferEncoding) {
      if (chunked || valueEnd - valueStart !== 7 || !nameIs(b, valueStart, "chunked")) return undefined;
      chunked = true;
    } else if (kind === Name.ContentType) {
      hasContentType = true;
    }
  }
  if (chunked === (contentLength !== -1)) return undefined;
  into.status = d0 * 100 + d1 * 10 + d2;
  into.contentLength = contentLength;
  into.chunked = chunked;
  into.hasContentType = hasContentType;
  return into;
}
