// One forwarded request on the router's own listener: routes it, sends head and body bytes upstream as they
// arrive, and relays the response back byte for byte (head rewritten, body framing kept). Both directions
// apply backpressure by pausing the socket that is ahead. The upstream connection goes back to its pool only
// when both directions ended cleanly; any abort destroys it, which the sandbox sees as a reset.

import { ErrorDetail, logInternalError } from "../errors";
import {
  classify,
  DEADLINE_PASSED,
  Deadline,
  type ForwardFailure,
  forwardWithin,
  track,
  untrack,
} from "../forward";
import type { ForwardedFor, Target } from "../headers";
import { ChunkedDecoder } from "../http1/chunkedDecoder";
import { UpstreamHeadWriter } from "../http1/requestHead";
import type { RequestHead } from "../http1/requestParser";
import { hasNoBody, parseResponseHead, type ResponseHead } from "../http1/responseHead";
import { scanRelayableHead } from "../http1/responseScan";
import { type Decision, errorReply, type Forward, failureReply, type Reply } from "../routing";
import { StaleConnection } from "../upstream/exchange";
import type { ConnectionListener, UpstreamConnection } from "../upstream/pool";
import { type HeadParser, ResponseHeadReader, UpstreamProtocolError } from "../upstream/responseHeadReader";
import { ClientGone, dialWithin } from "../upstream/socketForwarder";
import type { ListenerContext } from "./context";
import { replyBytes, responseHeadBytes } from "./wire";

/** What an exchange needs from the client connection it serves. */
export interface ClientSide {
  /** What the upstream is told of the client (X-Forwarded-For and -Proto). */
  readonly forwarded: ForwardedFor;
  /** Queues bytes for the client; false when they could not all be written now (wait for `clientWritable`). */
  send(bytes: Buffer): boolean;
  pauseInput(): void;
  resumeInput(): void;
  /** The exchange is over; `keepAlive` false closes the connection once its output is flushed. */
  exchangeEnded(keepAlive: boolean): void;
  /** Cuts the connection at once (a response that cannot be completed). */
  destroy(): void;
}

/** Request body bytes held while no upstream connection takes them; beyond this the client is paused. */
const MAX_QUEUED_BODY = 64 * 1024;
/** nginx's status for a request the client abandoned before the response. */
const CLIENT_CLOSED = 499;
const MALFORMED_BODY = "Malformed chunked request body.";
const ignoreData = () => {};
/** Heads are written and sent at once, so one buffer serves every exchange. */
const upstreamHeads = new UpstreamHeadWriter();

/** The first `length` bytes of `buf`, without a new view when that is all of it. */
function prefix(buf: Buffer, length: number): Buffer {
  return buf.length === length ? buf : buf.subarray(0, length);
}

enum Phase {
  Routing,
  Head,
  Body,
  Done,
}

export class RelayExchange implements ConnectionListener, HeadParser {
  private phase = Phase.Routing;
  private readonly startedAt: number;
  private target: Target | undefined;
  private status = 0;
  // Request side.
  private bodyRemaining: number;
  private readonly requestDecoder: ChunkedDecoder | undefined;
  private bodyComplete: boolean;
  private malformedBody = false;
  /** Body bytes waiting for the upstream connection (most requests never need the array). */
  private queued: Buffer[] | undefined;
  private queuedBytes = 0;
  private bodyStarted = false;
  private pendingUpload: Buffer | undefined;
  // Upstream side.
  private conn: UpstreamConnection | undefined;
  private receivedAny = false;
  private readonly heads = new ResponseHeadReader(this);
  /** The dial-and-retry path awaits the head through this. */
  private waiter: { resolve: (head: ResponseHead) => void; reject: (e: unknown) => void } | undefined;
  /** The pooled path's own deadline and call, settled in headArrived / headFailed without a promise. */
  private pooled: { readonly forward: Forward; readonly deadline: Deadline } | undefined;
  // Response side.
  private head: ResponseHead | undefined;
  private responseRemaining = 0;
  private responseDecoder: ChunkedDecoder | undefined;
  private closeClient: boolean;
  private reusable = true;
  private upstreamPaused = false;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly client: ClientSide,
    private readonly request: RequestHead,
  ) {
    this.startedAt = ctx.observer.enabled ? performance.now() : 0;
    this.bodyRemaining = Math.max(request.contentLength, 0);
    this.requestDecoder = request.chunked ? new ChunkedDecoder() : undefined;
    this.bodyComplete = !request.chunked && this.bodyRemaining === 0;
    this.closeClient = request.close;
  }

  /** The whole request, body included, has been received from the client. */
  get requestComplete(): boolean {
    return this.bodyComplete;
  }

  private get hasBody(): boolean {
    return this.request.chunked || this.request.contentLength > 0;
  }

  /** All body bytes were received and handed to the upstream socket. */
  private get uploadDone(): boolean {
    return this.bodyComplete && this.queuedBytes === 0 && this.pendingUpload === undefined;
  }

  begin(): void {
    if (this.ctx.observer.enabled) this.ctx.observer.started();
    let routed: Decision | Promise<Decision>;
    try {
      routed = this.ctx.route(this.request.method, this.request.target, this.request);
    } catch (error) {
      this.failInternally(error);
      return;
    }
    if (routed instanceof Promise)
      routed.then(
        (d) => this.decided(d),
        (e) => this.failInternally(e),
      );
    else this.decided(routed);
  }

  /**
   * Takes bytes that arrived after the head: the body's part goes upstream (or waits for the connection);
   * returns what lies beyond the body (a pipelined next request), if anything.
   */
  bodyInput(chunk: Buffer): Buffer | undefined {
    if (this.bodyComplete || this.malformedBody) return chunk.length > 0 ? chunk : undefined;
    let part = chunk;
    let rest: Buffer | undefined;
    if (this.requestDecoder !== undefined) {
      let end: number;
      try {
        end = this.requestDecoder.feed(chunk, ignoreData);
      } catch {
        this.rejectMalformedBody();
        return undefined;
      }
      if (end !== -1) {
        this.bodyComplete = true;
        if (end < chunk.length) rest = chunk.subarray(end);
        part = chunk.subarray(0, end);
      }
    } else {
      const take = Math.min(this.bodyRemaining, chunk.length);
      this.bodyRemaining -= take;
      if (take < chunk.length) {
        rest = chunk.subarray(take);
        part = chunk.subarray(0, take);
      }
      if (this.bodyRemaining === 0) this.bodyComplete = true;
    }
    this.upload(part);
    return rest;
  }

  /** The client's output drained: the upstream may send again. */
  clientWritable(): void {
    if (this.upstreamPaused && this.conn !== undefined) {
      this.upstreamPaused = false;
      this.conn.socket.resume();
    }
  }

  /** The client disconnected: whatever is still going on upstream is cancelled. */
  clientGone(): void {
    if (this.phase === Phase.Done) return;
    if (this.phase !== Phase.Body) this.status = CLIENT_CLOSED;
    this.phase = Phase.Done;
    this.conn?.destroy();
    this.record();
    this.headFailed(new ClientGone());
  }

  // ConnectionListener (the upstream connection's events).

  data(chunk: Buffer): void {
    this.receivedAny = true;
    if (this.phase === Phase.Body) this.responseBody(chunk);
    else if (this.phase === Phase.Head) this.responseHead(chunk);
    else this.conn?.destroy();
  }

  drain(): void {
    const pending = this.pendingUpload;
    if (pending === undefined || this.conn === undefined) return;
    this.pendingUpload = undefined;
    if (this.writeUpstream(pending)) this.client.resumeInput();
    this.settleIfDone();
  }

  closed(): void {
    if (this.phase === Phase.Head) {
      const conn = this.conn;
      const stale = conn?.reused && !this.receivedAny && !this.bodyStarted;
      this.rejectHead(
        stale ? new StaleConnection() : new UpstreamProtocolError("upstream closed before answering"),
      );
    } else if (this.phase === Phase.Body) {
      if (this.head!.closeDelimited) this.finishResponse();
      else this.abortMidResponse();
    }
  }

  // Routing and forwarding.

  private decided(decision: Decision): void {
    if (this.phase === Phase.Done) return;
    const decided = this.malformedBody ? errorReply(400, MALFORMED_BODY) : decision;
    if (decided.kind === "reply") {
      this.reply(decided);
      return;
    }
    this.target = decided.target;
    this.phase = Phase.Head;
    const conn = this.ctx.pool.take(decided.hostPort);
    if (conn === undefined) this.forwardWithRetries(decided, decided.timeoutMs);
    else this.forwardOnPooled(decided, conn);
  }

  /**
   * The common case, without a promise: a kept-alive connection is at hand. Only when the sandbox had
   * closed it meanwhile does the request take the general way (dial, retries).
   */
  private forwardOnPooled(forward: Forward, conn: UpstreamConnection): void {
    const deadline = new Deadline(Date.now() + forward.timeoutMs);
    track(deadline);
    this.pooled = { forward, deadline };
    this.useConnection(conn, forward, deadline);
  }

  private headArrived(head: ResponseHead): void {
    const { waiter, pooled } = this;
    this.waiter = undefined;
    this.pooled = undefined;
    if (waiter !== undefined) waiter.resolve(head);
    else if (pooled !== undefined) untrack(pooled.deadline);
  }

  private headFailed(reason: unknown): void {
    const { waiter, pooled } = this;
    this.waiter = undefined;
    this.pooled = undefined;
    if (waiter !== undefined) {
      waiter.reject(reason);
      return;
    }
    if (pooled === undefined) return;
    untrack(pooled.deadline);
    const { forward, deadline } = pooled;
    if (reason instanceof StaleConnection) this.forwardWithRetries(forward, deadline.at - Date.now());
    else this.forwardFailed(forward, reason === DEADLINE_PASSED ? "timeout" : classify(reason));
  }

  private forwardWithRetries(forward: Forward, timeoutMs: number): void {
    if (timeoutMs <= 0) {
      this.forwardFailed(forward, "timeout");
      return;
    }
    const metrics = this.ctx.metrics;
    forwardWithin((deadline) => this.attempt(forward, deadline), {
      timeoutMs,
      retryable: !this.hasBody,
      retry: this.ctx.retry,
      onRetry: () => metrics?.upstreamRetry(forward.target.namespace),
    }).then(
      (outcome) => {
        if (typeof outcome === "string") this.forwardFailed(forward, outcome);
      },
      (error) => this.failInternally(error),
    );
  }

  private forwardFailed(forward: Forward, failure: ForwardFailure): void {
    if (this.phase === Phase.Done) return; // the client went away; nobody to tell
    this.ctx.metrics?.upstreamError(forward.target.namespace, failure);
    this.reply(
      this.malformedBody ? errorReply(400, MALFORMED_BODY) : failureReply(failure, forward.target.id),
    );
  }

  /** One try on one connection; resolves once the final response head was relayed to the client. */
  private async attempt(forward: Forward, deadline: Deadline): Promise<ResponseHead> {
    const pool = this.ctx.pool;
    for (;;) {
      const conn = pool.take(forward.hostPort) ?? (await dialWithin(pool, forward.hostPort, deadline));
      if (deadline.expired || this.phase !== Phase.Head) {
        conn.destroy();
        throw this.phase === Phase.Head ? DEADLINE_PASSED : new ClientGone();
      }
      if (this.malformedBody) {
        conn.destroy();
        throw new UpstreamProtocolError(MALFORMED_BODY);
      }
      const response = new Promise<ResponseHead>((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
      this.useConnection(conn, forward, deadline);
      try {
        return await response;
      } catch (error) {
        // A kept-alive connection the sandbox had already closed: nothing reached it, so a fresh one may.
        if (!(error instanceof StaleConnection)) throw error;
      }
    }
  }

  private useConnection(conn: UpstreamConnection, forward: Forward, deadline: Deadline): void {
    this.conn = conn;
    this.receivedAny = false;
    this.heads.reset();
    conn.listener = this;
    deadline.onExpire = () => this.rejectHead(DEADLINE_PASSED);
    this.sendHead(forward);
  }

  private sendHead(forward: Forward): void {
    const { request } = this;
    const framing = request.chunked ? "chunked" : request.contentLength > 0 ? "length" : "none";
    const length = upstreamHeads.write(request, forward.hostPort, this.client.forwarded, framing);
    const head = upstreamHeads.buffer;
    if (this.queuedBytes === 0) {
      // The usual bodiless request: written from the shared buffer, copied only if the socket takes part of it.
      const written = this.conn!.socket.write(head, 0, length);
      if (written >= 0 && written < length) {
        this.pendingUpload = Buffer.from(head.subarray(written, length));
        this.client.pauseInput();
      }
      return;
    }
    // Body bytes that came with the head (or while dialing) go out in the same write.
    const bytes = Buffer.concat([head.subarray(0, length), ...(this.queued ?? [])]);
    this.bodyStarted = true;
    this.queued = undefined;
    this.queuedBytes = 0;
    this.client.resumeInput();
    if (!this.writeUpstream(bytes)) this.client.pauseInput();
  }

  private upload(part: Buffer): void {
    if (part.length === 0) {
      this.settleIfDone();
      return;
    }
    const conn = this.conn;
    if (
      conn === undefined ||
      this.phase === Phase.Routing ||
      (this.phase === Phase.Head && conn.listener !== this)
    ) {
      if (this.queued === undefined) this.queued = [part];
      else this.queued.push(part);
      this.queuedBytes += part.length;
      if (this.queuedBytes > MAX_QUEUED_BODY) this.client.pauseInput();
      return;
    }
    if (this.phase === Phase.Done || conn.closed) return;
    this.bodyStarted = true;
    if (this.pendingUpload !== undefined) {
      this.pendingUpload = Buffer.concat([this.pendingUpload, part]);
      this.client.pauseInput();
      return;
    }
    if (!this.writeUpstream(part)) this.client.pauseInput();
    this.settleIfDone();
  }

  /** Writes to the upstream; false when some bytes wait for its `drain`. */
  private writeUpstream(bytes: Buffer): boolean {
    const conn = this.conn!;
    if (conn.closed) return true;
    const written = conn.socket.write(bytes);
    if (written >= 0 && written < bytes.length) {
      this.pendingUpload = bytes.subarray(written);
      return false;
    }
    return true;
  }

  // The upstream's response.

  private responseHead(chunk: Buffer): void {
    const final = this.heads.feed(chunk);
    if (final instanceof Error) this.rejectHead(final);
    else if (final !== undefined) this.startResponse(final.head, final.buf, final.end);
  }

  /**
   * The common head goes as received and needs no strings; one to rewrite (the client's connection is to
   * close) or in any doubt gets the full parser.
   */
  parseHead(buf: Buffer, end: number): ResponseHead | "invalid" {
    const relayable = !this.closeClient && !this.ctx.draining && this.bodyComplete;
    const scanned = relayable ? scanRelayableHead(buf, end, this.conn!.scannedHead) : undefined;
    return scanned ?? parseResponseHead(buf.toString("latin1", 0, end));
  }

  /** `buf` holds the head (up to `end`) and the first body bytes. */
  private startResponse(head: ResponseHead, buf: Buffer, end: number): void {
    const restLength = buf.length - end;
    this.head = head;
    this.status = head.status;
    if (head.close) this.reusable = false;
    const noBody = hasNoBody(head.status, this.request.method) || head.contentLength === 0;
    if (!noBody && head.closeDelimited) {
      // The body ends when the upstream closes: so must the client's connection.
      this.closeClient = true;
      this.reusable = false;
    }
    // Draining, or the sandbox answers before the client finished its body: the router will not read on past
    // this exchange, and says so in the head.
    if (this.ctx.draining || !this.bodyComplete) this.closeClient = true;
    // Most sandboxes answer with a head the client may have as it is: no copy, no rewrite.
    const asReceived = head.verbatim && !this.closeClient;
    if (noBody || (head.contentLength > 0 && restLength >= head.contentLength)) {
      // No body, or the common small response that arrived whole with its head: one write.
      const bodyLength = noBody ? 0 : head.contentLength;
      if (restLength > bodyLength) this.reusable = false;
      if (asReceived) this.client.send(prefix(buf, end + bodyLength));
      else {
        const headBytes = responseHeadBytes(head, this.closeClient);
        this.client.send(
          bodyLength === 0 ? headBytes : Buffer.concat([headBytes, buf.subarray(end, end + bodyLength)]),
        );
      }
      this.headArrived(head);
      this.finishResponse();
      return;
    }
    this.phase = Phase.Body;
    this.responseRemaining = head.contentLength;
    if (head.chunked) this.responseDecoder = new ChunkedDecoder();
    this.client.send(asReceived ? prefix(buf, end) : responseHeadBytes(head, this.closeClient));
    this.headArrived(head);
    if (restLength > 0) this.responseBody(buf.subarray(end));
  }

  private responseBody(chunk: Buffer): void {
    let part = chunk;
    let ended = false;
    if (this.responseDecoder !== undefined) {
      let end: number;
      try {
        end = this.responseDecoder.feed(chunk, ignoreData);
      } catch {
        this.abortMidResponse();
        return;
      }
      if (end !== -1) {
        ended = true;
        if (end < chunk.length) {
          this.reusable = false;
          part = chunk.subarray(0, end);
        }
      }
    } else if (!this.head!.closeDelimited) {
      if (chunk.length > this.responseRemaining) {
        this.reusable = false;
        part = chunk.subarray(0, this.responseRemaining);
      }
      this.responseRemaining -= part.length;
      ended = this.responseRemaining === 0;
    }
    const flushed = this.client.send(part);
    if (ended) this.finishResponse();
    else if (!flushed && !this.upstreamPaused) {
      this.upstreamPaused = true;
      this.conn!.socket.pause();
    }
  }

  /** The response is complete on the client's side: settle both connections once the upload is also done. */
  private finishResponse(): void {
    this.phase = Phase.Done;
    if (this.upstreamPaused) {
      this.upstreamPaused = false;
      this.conn?.socket.resume();
    }
    this.record();
    this.settleIfDone();
  }

  /** After the response: the connections are released once the upload has finished too (or cut if it never will). */
  private settleIfDone(): void {
    if (this.phase !== Phase.Done || this.head === undefined) return;
    const conn = this.conn!;
    if (this.uploadDone) {
      if (this.reusable && conn.listener === this) conn.pool.release(conn);
      else conn.destroy();
      this.client.exchangeEnded(!this.closeClient);
    } else {
      // The sandbox answered without taking the whole body: it may never read again (or has closed), so the
      // upstream connection goes. The client's stays usable only if its body was read whole; if not,
      // startResponse already set closeClient, as the rest is never read.
      conn.destroy();
      this.client.exchangeEnded(!this.closeClient);
    }
  }

  private rejectHead(reason: unknown): void {
    const conn = this.conn;
    if (conn !== undefined) {
      // Its close, reported at once, must not settle the head a second time with a lesser reason.
      conn.listener = undefined;
      conn.destroy();
    }
    this.headFailed(reason);
  }

  private rejectMalformedBody(): void {
    this.malformedBody = true;
    this.closeClient = true;
    if (this.phase === Phase.Head) this.rejectHead(new UpstreamProtocolError(MALFORMED_BODY));
    else if (this.phase === Phase.Body) this.abortMidResponse();
    else if (this.phase === Phase.Routing) this.bodyComplete = true;
  }

  private abortMidResponse(): void {
    this.phase = Phase.Done;
    this.conn?.destroy();
    this.record();
    this.client.destroy();
  }

  // Replies the router makes itself.

  private reply(reply: Reply): void {
    this.status = reply.status;
    this.phase = Phase.Done;
    // A body the router did not read leaves the connection without framing for a next request.
    const keepAlive = !this.closeClient && this.bodyComplete && !this.malformedBody && !this.ctx.draining;
    this.client.send(replyBytes(reply, !keepAlive));
    this.record();
    this.conn?.destroy();
    this.client.exchangeEnded(keepAlive);
  }

  private failInternally(error: unknown): void {
    if (this.phase === Phase.Done) return;
    logInternalError("request failed inside the router", error);
    if (this.phase === Phase.Body) this.abortMidResponse();
    else this.reply(errorReply(500, ErrorDetail.internal));
  }

  private record(): void {
    if (!this.ctx.observer.enabled) return;
    this.ctx.observer.finished({
      method: this.request.method,
      path: this.request.target,
      status: this.status,
      target: this.target,
      clientIp: this.client.forwarded.clientIp,
      startedAt: this.startedAt,
    });
  }
}
