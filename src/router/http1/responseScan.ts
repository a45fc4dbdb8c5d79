// The framing of the common response head, read straight from its bytes without making a string: HTTP/1.1, a
// final status, one Content-Length or a lone `Transfer-Encoding: chunked`, and nothing hop-by-hop, so the
// router can relay the head as received. Anything else, or anything in doubt, is left to the full parser
// (responseHead.ts), which is the reference this scan must agree with (fast-check tested).
import { isChunked } from "./nameTable";
import type { ResponseHead } from "./responseHead";
import { isOtherHopByHop, RESPONSE_NAMES, ResponseName } from "./responseNames";
import { TOKEN } from "./token";

const HTTP11 = [72, 84, 84, 80, 47, 49, 46, 49, 32]; // "HTTP/1.1 "
const NO_FIELDS: string[] = [];

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
    const kind: ResponseName = RESPONSE_NAMES.find(b, nameStart, pos);
    if (kind === ResponseName.Connection || isOtherHopByHop(kind)) return undefined;
    pos++;
    while (b[pos] === 32 || b[pos] === 9) pos++;
    const valueStart = pos;
    while (pos < end && b[pos] !== 13) if (!isTextByte(b[pos++]!)) return undefined;
    if (pos >= end || b[pos + 1] !== 10) return undefined;
    let valueEnd = pos;
    while (valueEnd > valueStart && (b[valueEnd - 1] === 32 || b[valueEnd - 1] === 9)) valueEnd--;
    pos += 2;
    if (kind === ResponseName.ContentLength) {
      if (contentLength !== -1 || valueEnd === valueStart || valueEnd - valueStart > 15) return undefined;
      let n = 0;
      for (let i = valueStart; i < valueEnd; i++) {
        const digit = b[i]! - 48;
        if (digit < 0 || digit > 9) return undefined;
        n = n * 10 + digit;
      }
      contentLength = n;
    } else if (kind === ResponseName.TransferEncoding) {
      if (chunked || !isChunked(b, valueStart, valueEnd)) return undefined;
      chunked = true;
    } else if (kind === ResponseName.ContentType) {
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
