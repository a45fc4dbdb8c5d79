// The response header names the router's two response parsers act on (the byte scan and the full parser),
// in one table so they classify a name alike.
import { NameTable } from "./nameTable";

/** Index in RESPONSE_NAMES; from KeepAlive on, the hop-by-hop names with no part in framing. */
export enum ResponseName {
  Other = -1,
  ContentLength = 0,
  TransferEncoding = 1,
  Connection = 2,
  ContentType = 3,
  KeepAlive = 4,
}

export const RESPONSE_NAMES = new NameTable([
  "content-length",
  "transfer-encoding",
  "connection",
  "content-type",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "upgrade",
]);

/** Hop-by-hop and never relayed, besides Connection and Transfer-Encoding (which each parser handles itself). */
export function isOtherHopByHop(name: ResponseName): boolean {
  return name >= ResponseName.KeepAlive;
}
