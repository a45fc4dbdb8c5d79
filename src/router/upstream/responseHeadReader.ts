// Collects an upstream's response head across reads and hands out the final one (1xx interim heads such as
// 100 Continue and 103 Early Hints are dropped). Shared by the router's two upstream exchanges.
import { UnrequestedUpgrade } from "../forward";
import { findHeadEnd, MAX_HEAD_BYTES, type ResponseHead } from "../http1/responseHead";

/** The upstream's answer was not HTTP/1.1 the router can relay. */
export class UpstreamProtocolError extends Error {
  override readonly name = "UpstreamProtocolError";
}

/** The final head, with the buffer holding it (up to `end`) and the body bytes that came with it. */
export interface FinalHead {
  readonly head: ResponseHead;
  readonly buf: Buffer;
  readonly end: number;
}

/** Parses the head in `buf[0..end)`. */
export interface HeadParser {
  parseHead(buf: Buffer, end: number): ResponseHead | "invalid";
}

export class ResponseHeadReader {
  private partial: Buffer | undefined;

  constructor(private readonly parser: HeadParser) {}

  /** Forgets a partial head (the exchange moves to another connection). */
  reset(): void {
    this.partial = undefined;
  }

  /** The final head once it is complete, undefined while it is not, or why the response cannot be relayed. */
  feed(chunk: Buffer): FinalHead | undefined | Error {
    let buf = chunk;
    let scanFrom = 0;
    if (this.partial !== undefined) {
      scanFrom = this.partial.length - 3;
      buf = Buffer.concat([this.partial, chunk]);
      this.partial = undefined;
    }
    for (;;) {
      const end = findHeadEnd(buf, scanFrom);
      if (end === -1) {
        if (buf.length > MAX_HEAD_BYTES) return new UpstreamProtocolError("response head too large");
        this.partial = buf;
        return undefined;
      }
      const head = this.parser.parseHead(buf, end);
      if (head === "invalid") return new UpstreamProtocolError("malformed response head");
      if (head.status === 101) return new UnrequestedUpgrade("upstream switched protocols");
      if (head.status >= 200) return { head, buf, end };
      buf = buf.subarray(end);
      scanFrom = 0;
    }
  }
}
