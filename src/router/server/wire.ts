// Bytes the router's own listener writes to clients: its own replies and the relayed upstream response head.
import { STATUS_CODES } from "node:http";
import type { ResponseHead } from "../http1/responseHead";
import type { Reply } from "../routing";

let dateSecond = 0;
let dateValue = "";

/** The Date header value, formatted at most once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

/** A complete response for a reply the router makes itself (probes and errors). */
export function replyBytes(reply: Reply, close: boolean): Buffer {
  const body = Buffer.from(reply.body, "utf8");
  const head =
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ""}\r\n` +
    `content-type: ${reply.contentType}\r\ncontent-length: ${body.length}\r\ndate: ${httpDate()}\r\n` +
    (close ? "connection: close\r\n\r\n" : "\r\n");
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/**
 * The upstream's response head as the client gets it: hop-by-hop fields were dropped by the parser; the
 * body keeps the upstream's framing (chunked bytes are relayed as they are, not re-chunked).
 */
export function responseHeadBytes(head: ResponseHead, close: boolean): Buffer {
  let text = `HTTP/1.1 ${head.status} ${head.statusText}\r\n`;
  const { fields } = head;
  for (let i = 0; i < fields.length; i += 2) text += `${fields[i]}: ${fields[i + 1]}\r\n`;
  if (head.chunked) text += "transfer-encoding: chunked\r\n";
  text += close ? "connection: close\r\n\r\n" : "\r\n";
  return Buffer.from(text, "latin1");
}
