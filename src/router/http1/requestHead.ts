// Serialises the upstream request head for the router's own HTTP/1.1 client, applying the same header rules
// as the fetch path (headers.ts).
import { connectionTokens, type ForwardedFor, forwardsRequestHeader } from "../headers";

/** How the request body is framed upstream: none, the client's Content-Length, or chunked. */
export type BodyFraming = "none" | "length" | "chunked";

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
  let host: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i];
    if (name === "connection")
      connection = connection === null ? fields[i + 1]! : `${connection},${fields[i + 1]}`;
    else if (name === "host") host ??= fields[i + 1];
  }
  const named = connectionTokens(connection);
  let head = `${method} ${pathAndQuery} HTTP/1.1\r\nhost: ${hostPort}\r\n`;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (!forwardsRequestHeader(name, named)) continue;
    if (framing === "chunked" && name === "content-length") continue;
    head += `${name}: ${fields[i + 1]}\r\n`;
  }
  head += `x-forwarded-for: ${fwd.clientIp}\r\n`;
  if (host !== undefined) head += `x-forwarded-host: ${host}\r\n`;
  head += `x-forwarded-proto: ${fwd.proto}\r\n`;
  if (framing === "chunked") head += "transfer-encoding: chunked\r\n";
  return `${head}\r\n`;
}

/** A Headers object as flat lowercase name, value pairs. */
export function flatFields(headers: Headers): string[] {
  const out: string[] = [];
  headers.forEach((value, name) => {
    out.push(name, value);
  });
  return out;
}
