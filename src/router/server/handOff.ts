// A client connection handed off to Bun's server, from the first request the router's own listener leaves
// to it (WebSocket upgrades, HTTP/1.0, Expect, heads it does not parse) until either side closes: bytes are
// relayed both ways unchanged, with backpressure.
import type { Socket, SocketHandler } from "bun";
import type { ForwardedFor } from "../headers";
import type { ListenerContext } from "./context";

/** The client side of a hand-off. */
export interface HandOffClient {
  readonly forwarded: Pick<ForwardedFor, "clientIp">;
  send(bytes: Buffer): boolean;
  pauseInput(): void;
  resumeInput(): void;
  /** Closes the client connection once its output is flushed. */
  end(): void;
}

const handlers: SocketHandler<HandOff> = {
  open(socket) {
    socket.data.opened(socket);
  },
  data(socket, chunk) {
    socket.data.fromServer(chunk);
  },
  drain(socket) {
    socket.data.serverWritable();
  },
  close(socket) {
    socket.data.serverClosed();
  },
  error() {
    // Followed by close.
  },
};

export class HandOff {
  private socket: Socket<HandOff> | undefined;
  private waiting: Buffer[] = [];
  private pendingWrite: Buffer | undefined;
  private localPort = 0;
  private done = false;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly client: HandOffClient,
    first: Buffer,
  ) {
    this.waiting.push(first);
    Bun.connect<HandOff>({
      hostname: "127.0.0.1",
      port: ctx.handOffPort,
      data: this,
      socket: handlers,
    }).catch(() => this.serverClosed());
  }

  opened(socket: Socket<HandOff>): void {
    if (this.done) {
      socket.end();
      return;
    }
    this.socket = socket;
    socket.setNoDelay(true);
    this.localPort = socket.localPort;
    this.ctx.handOffClients.set(this.localPort, this.client.forwarded.clientIp);
    const waiting = this.waiting;
    this.waiting = [];
    this.toServer(waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting));
    if (this.pendingWrite === undefined) this.client.resumeInput();
  }

  /** Bytes from the client. */
  toServer(chunk: Buffer): void {
    if (this.done) return;
    const socket = this.socket;
    if (socket === undefined) {
      this.waiting.push(chunk);
      this.client.pauseInput();
      return;
    }
    if (this.pendingWrite !== undefined) {
      this.pendingWrite = Buffer.concat([this.pendingWrite, chunk]);
      return;
    }
    const written = socket.write(chunk);
    if (written >= 0 && written < chunk.length) {
      this.pendingWrite = chunk.subarray(written);
      this.client.pauseInput();
    }
  }

  fromServer(chunk: Buffer): void {
    if (!this.client.send(chunk)) this.socket?.pause();
  }

  serverWritable(): void {
    const pending = this.pendingWrite;
    if (pending === undefined || this.socket === undefined) return;
    this.pendingWrite = undefined;
    const written = this.socket.write(pending);
    if (written >= 0 && written < pending.length) this.pendingWrite = pending.subarray(written);
    else this.client.resumeInput();
  }

  /** The client's output drained. */
  clientWritable(): void {
    this.socket?.resume();
  }

  serverClosed(): void {
    if (this.done) return;
    this.done = true;
    this.ctx.handOffClients.delete(this.localPort);
    this.client.end();
  }

  clientClosed(): void {
    if (this.done) return;
    this.done = true;
    this.ctx.handOffClients.delete(this.localPort);
    this.socket?.end();
  }
}
