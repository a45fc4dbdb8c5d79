// One client connection on the router's own listener: splits the byte stream into requests (keep-alive and
// pipelining: a next request waits until the current response is complete), runs each through a
// RelayExchange, and hands the connection to Bun's server from the first request it leaves to it.
import type { Socket } from "bun";
import type { ForwardedFor } from "../headers";
import { parseRequestHead } from "../http1/requestParser";
import { findHeadEnd, MAX_HEAD_BYTES } from "../http1/responseHead";
import type { ListenerContext } from "./context";
import { HandOff } from "./handOff";
import { type ClientSide, RelayExchange } from "./relayExchange";

export class ClientConnection implements ClientSide {
  readonly forwarded: ForwardedFor;
  /** Received bytes no request has consumed yet (a head in progress, or a pipelined request). */
  private input: Buffer | undefined;
  private scanFrom = 0;
  /** When the first bytes of a head still incomplete arrived (0: none pending); see headTimedOut. */
  private headSince = 0;
  /** When the connection last became idle between requests (0: not idle); see idleTimedOut. */
  private idleSince: number;
  private exchange: RelayExchange | undefined;
  private handOff: HandOff | undefined;
  /** Response bytes the socket did not take yet, oldest first. */
  private output: Buffer[] = [];
  /** Field spans of the current request's head, reused from request to request. */
  private readonly spans: number[] = [];
  private endWhenFlushed = false;
  private ending = false;
  /** The client half-closed its side (FIN): no more requests will come, but answers may still go out. */
  private inputDone = false;
  private paused = false;
  closed = false;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly socket: Socket<ClientConnection>,
  ) {
    this.forwarded = { clientIp: socket.remoteAddress, proto: ctx.proto };
    this.idleSince = Date.now();
  }

  /** A request is in progress on the router's side (hand-offs are Bun's server's to count). */
  get busy(): boolean {
    return this.exchange !== undefined;
  }

  /** Handed off to Bun's server, which drains it. */
  get handedOff(): boolean {
    return this.handOff !== undefined;
  }

  data(chunk: Buffer): void {
    if (this.handOff !== undefined) {
      this.handOff.toServer(chunk);
      return;
    }
    if (this.exchange !== undefined && this.input === undefined) {
      const rest = this.exchange.bodyInput(chunk);
      if (rest !== undefined) this.hold(rest);
      return;
    }
    this.input = this.input === undefined ? chunk : Buffer.concat([this.input, chunk]);
    this.idleSince = 0;
    if (this.exchange === undefined) this.next();
    else if (this.input.length > MAX_HEAD_BYTES) this.pauseInput();
  }

  drain(): void {
    while (this.output.length > 0) {
      const bytes = this.output[0]!;
      const written = this.socket.write(bytes);
      if (written < 0) return;
      if (written < bytes.length) {
        this.output[0] = bytes.subarray(written);
        return;
      }
      this.output.shift();
    }
    if (this.endWhenFlushed) {
      this.socket.end();
      return;
    }
    this.exchange?.clientWritable();
    this.handOff?.clientWritable();
    if (
      this.exchange === undefined &&
      this.handOff === undefined &&
      this.input !== undefined &&
      !this.ending
    ) {
      this.resumeInput();
      this.next();
    }
  }

  /**
   * The client sent FIN after its requests (half-close, as `nc` or a shell script may): what it sent is still
   * answered, then the connection closes. A request whose body can no longer complete is cut.
   */
  inputEnded(): void {
    this.inputDone = true;
    if (this.handOff !== undefined) {
      // Bun's server hears of it as before this listener existed: the connection ends.
      this.end();
      return;
    }
    if (this.exchange !== undefined) {
      if (!this.exchange.requestComplete) this.destroy();
      return;
    }
    if (this.input === undefined || findHeadEnd(this.input, 0) === -1) this.end();
  }

  socketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.output = [];
    this.exchange?.clientGone();
    this.exchange = undefined;
    this.handOff?.clientClosed();
  }

  // ClientSide (what the exchange and the hand-off use).

  send(bytes: Buffer): boolean {
    if (this.closed) return true;
    if (this.output.length > 0) {
      this.output.push(bytes);
      return false;
    }
    const written = this.socket.write(bytes);
    if (written < 0) return true;
    if (written < bytes.length) {
      this.output.push(bytes.subarray(written));
      return false;
    }
    return true;
  }

  pauseInput(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resumeInput(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.socket.resume();
  }

  exchangeEnded(keepAlive: boolean): void {
    this.exchange = undefined;
    if (this.closed) return;
    if (!keepAlive || this.ctx.draining) {
      this.end();
      return;
    }
    this.resumeInput();
    if (this.input !== undefined) this.next();
    else this.idleSince = Date.now();
    if (this.inputDone && this.exchange === undefined) this.end();
  }

  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.input = undefined;
    if (this.output.length > 0) this.endWhenFlushed = true;
    else this.socket.end();
  }

  destroy(): void {
    if (this.closed) return;
    this.socket.terminate();
  }

  /**
   * Starts the next request if a whole head is in `input`; otherwise waits for more bytes. Requests the router
   * answers at once are taken one after another in a loop (not recursively: a read can hold thousands).
   */
  private next(): void {
    for (;;) {
      if (this.output.length > 0) {
        // The client is not reading what it asked for: take no more requests (and read no more) until it does.
        this.pauseInput();
        return;
      }
      const buf = this.input!;
      const end = findHeadEnd(buf, this.scanFrom);
      if (end === -1) {
        // Heads too large are Bun's to refuse (431), like everything else this listener does not parse; so are
        // heads with bare CR or LF line ends, which would otherwise wait here for a CRLFCRLF that never comes.
        if (buf.length > MAX_HEAD_BYTES || hasBareLineBreak(buf, this.scanFrom)) this.startHandOff(buf);
        else {
          this.scanFrom = Math.max(0, buf.length - 3);
          // Only heads that arrive in pieces pay for the clock.
          if (this.headSince === 0) this.headSince = Date.now();
        }
        return;
      }
      this.scanFrom = 0;
      this.headSince = 0;
      if (end > MAX_HEAD_BYTES) {
        // A large head that arrived in one read is refused all the same.
        this.startHandOff(buf);
        return;
      }
      const head = parseRequestHead(buf, end, this.spans);
      if (head === "other") {
        this.startHandOff(buf);
        return;
      }
      this.input = undefined;
      const exchange = new RelayExchange(this.ctx, this, head);
      this.exchange = exchange;
      exchange.begin();
      if (end === buf.length) return;
      if (this.exchange === exchange) {
        const rest = exchange.bodyInput(buf.subarray(end));
        if (rest !== undefined) this.hold(rest);
        return;
      }
      // The exchange already ended (a reply the router made at once): the bytes are the next request's.
      this.input = buf.subarray(end);
      if (this.closed || this.ending || this.exchange !== undefined) return;
    }
  }

  /** Bytes beyond the current request wait, and reading pauses, until its response is complete. */
  private hold(rest: Buffer): void {
    this.input = this.input === undefined ? rest : Buffer.concat([this.input, rest]);
    this.pauseInput();
  }

  /** A head started before `oldest` is still incomplete (a client that stalls mid-head holds a connection). */
  headTimedOut(oldest: number): boolean {
    return this.headSince !== 0 && this.headSince < oldest && this.exchange === undefined;
  }

  /** Idle between requests since before `oldest` (keep-alive connections are not kept for ever). */
  idleTimedOut(oldest: number): boolean {
    return (
      this.idleSince !== 0 &&
      this.idleSince < oldest &&
      this.exchange === undefined &&
      this.handOff === undefined
    );
  }

  private startHandOff(first: Buffer): void {
    this.headSince = 0;
    this.input = undefined;
    this.handOff = new HandOff(this.ctx, this, first);
  }
}

/** A CR not followed by LF, or an LF not after a CR, from `from` on (a CR at the very end may still get its LF). */
function hasBareLineBreak(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (c === 10 && (i === 0 || buf[i - 1] !== 13)) return true;
    if (c === 13 && i + 1 < buf.length && buf[i + 1] !== 10) return true;
  }
  return false;
}
