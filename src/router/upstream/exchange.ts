// One request/response on an upstream connection the exchange owns: writes the head and streams the body
// (backpressure through `drain`), parses the response head, and hands the body to the client as it arrives
// (pausing the socket while the client is slow). The connection goes back to its pool only once both
// directions ended cleanly; any abort or framing error destroys it, which the sandbox sees as a reset.
import { ChunkedDecoder } from "../http1/chunkedDecoder";
import type { BodyFraming } from "../http1/requestHead";
import { hasNoBody, parseResponseHead, type ResponseHead } from "../http1/responseHead";
import type { ConnectionListener, UpstreamConnection } from "./pool";
import { type HeadParser, ResponseHeadReader, UpstreamProtocolError } from "./responseHeadReader";

export { UpstreamProtocolError };

/** A reused connection closed before answering: nothing was processed, so a fresh connection may retry. */
export class StaleConnection extends Error {
  override readonly name = "StaleConnection";
}

const fullParser: HeadParser = {
  parseHead: (buf, end) => parseResponseHead(buf.toString("latin1", 0, end)),
};

/** Chunks the response stream may hold before the socket is paused. */
const RESPONSE_QUEUE_CHUNKS = 8;
const CRLF = Buffer.from("\r\n");
const LAST_CHUNK = Buffer.from("0\r\n\r\n");

enum Phase {
  Head,
  Body,
  Done,
}

export class Exchange implements ConnectionListener {
  private phase = Phase.Head;
  private readonly heads = new ResponseHeadReader(fullParser);
  private receivedAny = false;
  private requestBodyStarted = false;
  private requestDone = false;
  /** False once anything makes the connection's framing unreliable for a next request. */
  private reusable = true;
  private head!: ResponseHead;
  private remaining = 0;
  private decoder: ChunkedDecoder | undefined;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private paused = false;
  private pendingWrite: Buffer | undefined;
  private drained: (() => void) | undefined;
  private resolve!: (res: Response) => void;
  private reject!: (error: unknown) => void;
  readonly response: Promise<Response>;

  constructor(
    private readonly conn: UpstreamConnection,
    private readonly method: string,
  ) {
    this.response = new Promise<Response>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    conn.listener = this;
  }

  /** Sends the head and then the body (if any); the response promise settles independently of the upload. */
  send(head: Buffer, body: ReadableStream<Uint8Array> | null, framing: BodyFraming): void {
    if (!this.write(head)) {
      this.closed();
      return;
    }
    if (body === null || framing === "none") {
      this.requestDone = true;
      return;
    }
    this.requestBodyStarted = true;
    void this.pump(body, framing === "chunked");
  }

  /** Deadline or client gone before the response head: destroy the connection; the caller reports why. */
  abort(reason: unknown): void {
    if (this.phase === Phase.Done) return;
    if (this.phase === Phase.Head) this.reject(reason);
    else this.controller?.error(reason);
    this.finish(false);
  }

  data(chunk: Buffer): void {
    this.receivedAny = true;
    if (this.phase === Phase.Body) this.bodyData(chunk);
    else if (this.phase === Phase.Head) this.headData(chunk);
  }

  drain(): void {
    const pending = this.pendingWrite;
    if (pending === undefined) return;
    this.pendingWrite = undefined;
    if (this.write(pending)) {
      const drained = this.drained;
      this.drained = undefined;
      drained?.();
    }
  }

  closed(): void {
    this.drained?.();
    if (this.phase === Phase.Head) {
      const stale = this.conn.reused && !this.receivedAny && !this.requestBodyStarted;
      this.reject(
        stale ? new StaleConnection() : new UpstreamProtocolError("upstream closed before answering"),
      );
    } else if (this.phase === Phase.Body) {
      if (this.head.closeDelimited) this.controller?.close();
      else this.controller?.error(new UpstreamProtocolError("upstream closed in the middle of the body"));
    }
    this.phase = Phase.Done;
  }

  /** Writes all of `bytes` now or keeps the rest for `drain`; false if the connection is gone. */
  private write(bytes: Buffer): boolean {
    if (this.conn.closed) return false;
    const written = this.conn.socket.write(bytes);
    if (written < 0) return false;
    if (written < bytes.length) this.pendingWrite = bytes.subarray(written);
    return true;
  }

  private async writeAll(bytes: Buffer): Promise<void> {
    if (!this.write(bytes)) throw new UpstreamProtocolError("upstream closed during the upload");
    if (this.pendingWrite !== undefined) await new Promise<void>((r) => (this.drained = r));
    if (this.conn.closed) throw new UpstreamProtocolError("upstream closed during the upload");
  }

  private async pump(body: ReadableStream<Uint8Array>, chunked: boolean): Promise<void> {
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (this.phase === Phase.Done) throw new UpstreamProtocolError("exchange ended during the upload");
        if (value.length === 0) continue;
        const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
        if (chunked) await this.writeAll(Buffer.from(`${value.length.toString(16)}\r\n`, "latin1"));
        await this.writeAll(bytes);
        if (chunked) await this.writeAll(CRLF);
      }
      if (chunked) await this.writeAll(LAST_CHUNK);
      this.requestDone = true;
      if (this.phase === Phase.Done) this.finish(this.reusable);
    } catch (error) {
      // The client's body failed (it went away) or the upstream did: neither side can be trusted to continue.
      void reader.cancel(error).catch(() => {});
      if (this.phase === Phase.Done) this.conn.destroy();
      else this.abort(error);
    }
  }

  private headData(chunk: Buffer): void {
    const final = this.heads.feed(chunk);
    if (final instanceof Error) this.abort(final);
    else if (final !== undefined) this.startBody(final.head, final.buf.subarray(final.end));
  }

  private startBody(head: ResponseHead, rest: Buffer): void {
    this.head = head;
    if (head.close) this.reusable = false;
    if (hasNoBody(head.status, this.method) || head.contentLength === 0) {
      if (rest.length > 0) this.reusable = false;
      this.resolve(toResponse(head, null));
      this.finish(this.reusable);
      return;
    }
    // The common small response arrives whole with its head: no stream needed. Without a Content-Type the
    // router still uses a stream, since Bun would otherwise label raw bytes application/octet-stream.
    const whole = head.contentLength > 0 && rest.length >= head.contentLength && head.hasContentType;
    if (whole) {
      if (rest.length > head.contentLength) this.reusable = false;
      this.resolve(toResponse(head, rest.subarray(0, head.contentLength)));
      this.finish(this.reusable);
      return;
    }
    this.phase = Phase.Body;
    this.remaining = head.contentLength;
    if (head.chunked) this.decoder = new ChunkedDecoder();
    if (head.closeDelimited) this.reusable = false;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => {
          if (this.paused && this.phase === Phase.Body) {
            this.paused = false;
            this.conn.socket.resume();
          }
        },
        cancel: () => {
          // The client went away mid-body: the sandbox should stop sending.
          if (this.phase !== Phase.Done) this.finish(false);
        },
      },
      new CountQueuingStrategy({ highWaterMark: RESPONSE_QUEUE_CHUNKS }),
    );
    this.resolve(toResponse(head, body));
    if (rest.length > 0) this.bodyData(rest);
  }

  private bodyData(chunk: Buffer): void {
    const controller = this.controller!;
    if (this.decoder !== undefined) {
      let end: number;
      try {
        end = this.decoder.feed(chunk, (data) => controller.enqueue(data));
      } catch (error) {
        controller.error(error);
        this.finish(false);
        return;
      }
      if (end === -1) {
        this.applyBackpressure();
        return;
      }
      if (end < chunk.length) this.reusable = false;
    } else if (this.head.closeDelimited) {
      controller.enqueue(chunk);
      this.applyBackpressure();
      return;
    } else {
      if (chunk.length <= this.remaining) controller.enqueue(chunk);
      else {
        controller.enqueue(chunk.subarray(0, this.remaining));
        this.reusable = false;
      }
      this.remaining -= Math.min(chunk.length, this.remaining);
      if (this.remaining > 0) {
        this.applyBackpressure();
        return;
      }
    }
    controller.close();
    this.finish(this.reusable);
  }

  private applyBackpressure(): void {
    const size = this.controller!.desiredSize;
    if (!this.paused && size !== null && size <= 0) {
      this.paused = true;
      this.conn.socket.pause();
    }
  }

  /** The response is over: release the connection when the upload is also done, else drop it. */
  private finish(reuse: boolean): void {
    this.phase = Phase.Done;
    if (this.paused) {
      this.paused = false;
      this.conn.socket.resume();
    }
    if (!reuse) {
      this.reusable = false;
      this.conn.destroy();
      return;
    }
    if (this.requestDone) this.conn.pool.release(this.conn);
  }
}

/** Headers appended to the Response's own (native) Headers: cheaper than handing Bun an init object. */
function toResponse(head: ResponseHead, body: Uint8Array | ReadableStream<Uint8Array> | null): Response {
  const res = new Response(body, { status: head.status, statusText: head.statusText });
  const { fields } = head;
  if (fields.length === 0) return res;
  const headers = res.headers;
  for (let i = 0; i < fields.length; i += 2) headers.append(fields[i]!, fields[i + 1]!);
  return res;
}
