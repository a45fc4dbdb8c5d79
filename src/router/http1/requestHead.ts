// Serialises the upstream request head for the router's own HTTP/1.1 client, applying the same header rules
// as the fetch path (headers.ts). Bun-only: it reads the client's headers through Bun's Headers.toJSON, one
// native call instead of a callback per header.
import { connectionTokens, type ForwardedFor, forwardsRequestHeader } from "../headers";

/** How the request body is framed upstream: none, the client's Content-Length, or chunked by the router. */
export type BodyFraming = "none" | "length" | "chunked";

/**
 * `method SP path HTTP/1.1`, Host rewritten to the target, the client's forwardable headers, X-Forwarded-*,
 * and Transfer-Encoding when the router chunks the body. Header values come from the server's parser, which
 * refuses CR and LF, so they cannot split the head.
 */
export function requestHead(
  method: string,
  pathAndQuery: string,
  hostPort: string,
  src: Headers,
  fwd: ForwardedFor,
  framing: BodyFraming,
): string {
  const fields = src.toJSON();
  const connection = fields.connection;
  const named = connection === undefined ? [] : connectionTokens(connection);
  let head = `${method} ${pathAndQuery} HTTP/1.1\r\nhost: ${hostPort}\r\n`;
  for (const name in fields) {
    if (!forwardsRequestHeader(name, named)) continue;
    if (framing === "chunked" && name === "content-length") continue;
    head += `${name}: ${fields[name]}\r\n`;
  }
  head += `x-forwarded-for: ${fwd.clientIp}\r\n`;
  const host = fields.host;
  if (host !== undefined) head += `x-forwarded-host: ${host}\r\n`;
  head += `x-forwarded-proto: ${fwd.proto}\r\n`;
  if (framing === "chunked") head += "transfer-encoding: chunked\r\n";
  return `${head}\r\n`;
}
