// RFC 9110 tokens (header names, methods): the character table the HTTP/1.1 parsers share.

/** 1 for a token character, in a 128-entry table (anything from 128 up is not one). */
export const TOKEN = new Uint8Array(128);
for (let c = 0; c < 128; c++) TOKEN[c] = /[A-Za-z0-9!#$%&'*+\-.^_`|~]/.test(String.fromCharCode(c)) ? 1 : 0;

/** Whether `s[start..end)` is a non-empty token. */
export function isToken(s: string, start: number, end: number): boolean {
  if (end === start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}
