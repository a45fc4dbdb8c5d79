// One field line of an HTTP/1.1 head (RFC 9112 §5): `token ":" OWS value OWS CRLF`, read from the head as a
// string by the response parser (the request parser applies the same rules to the bytes in place).
import { isToken } from "./token";

/** Optional whitespace: SP or HTAB. */
export function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/** Where the parts of the line last read lie in its head; one instance serves line after line. */
export class FieldLine {
  colon = 0;
  valueStart = 0;
  valueEnd = 0;
  /** Index of the line's CR; the next line starts two characters later. */
  eol = 0;

  /** Reads the line starting at `pos` (the name starts there); false when it is not a well-formed field line. */
  read(head: string, pos: number): boolean {
    const eol = head.indexOf("\r\n", pos);
    const colon = head.indexOf(":", pos);
    if (eol === -1 || colon === -1 || colon > eol || !isToken(head, pos, colon)) return false;
    let a = colon + 1;
    let b = eol;
    while (a < b && isOws(head.charCodeAt(a))) a++;
    while (b > a && isOws(head.charCodeAt(b - 1))) b--;
    // A bare CR or LF inside the line would split it differently for the next parser than for this one.
    // Searched in the whole head, not the value: searching a fresh substring first copies it.
    if (head.indexOf("\r", a) !== eol || head.indexOf("\n", a) !== eol + 1) return false;
    this.colon = colon;
    this.valueStart = a;
    this.valueEnd = b;
    this.eol = eol;
    return true;
  }
}
