const HEX = /^[0-9a-fA-F]{2}$/;
const lossyUtf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Percent-decodes like Python's `urllib.parse.unquote`: malformed escapes stay literal and
 * invalid UTF-8 becomes U+FFFD, so it never throws (unlike `decodeURIComponent`). The legacy
 * endpoints decode their path twice (once as the HTTP path, once explicitly), as upstream does.
 */
export const unquote = (s: string): string => {
  if (!s.includes("%")) return s;
  let out = "";
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length > 0) out += lossyUtf8.decode(new Uint8Array(bytes));
    bytes = [];
  };
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code > 0x7f) {
      flush();
      out += s[i];
    } else if (s[i] === "%" && HEX.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(code);
  }
  flush();
  return out;
};
