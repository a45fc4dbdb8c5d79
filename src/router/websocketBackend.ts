// The router's connection to a sandbox's WebSocket, on the web-standard WebSocket client that Bun and Deno
// both provide. It holds what the backend sends until the client side is ready to take it.
import { ErrorDetail } from "./errors";

export type WebSocketMessage = string | ArrayBuffer;

/** The reason a connection closed, as carried by a close frame. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** Close codes a peer may legitimately send on; the reserved ones (1005, 1006, 1015) map to 1000. */
export function sendableCode(code: number | undefined): number {
  if (code === undefined || code === 1005 || code === 1006 || code === 1015) return 1000;
  return code;
}

/** Payload size in bytes (UTF-8 for text). */
export function messageSize(m: string | ArrayBuffer | Uint8Array | Blob): number {
  if (typeof m === "string") return Buffer.byteLength(m);
  if (m instanceof Blob) return m.size;
  return m.byteLength;
}

/** An open backend connection. */
export class BackendSocket {
  // Runtimes fire backend events as soon as the socket opens, possibly before the client side is wired
  // (Deno delivers them from promise callbacks, ahead of the admission's own continuation): queue until then.
  private queued: WebSocketMessage[] = [];
  private closedEarly: CloseInfo | undefined;
  private onMessage: ((m: WebSocketMessage) => void) | undefined;
  private onClose: ((info: CloseInfo) => void) | undefined;

  constructor(private readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => {
      const m = e.data as WebSocketMessage;
      if (this.onMessage === undefined) this.queued.push(m);
      else this.onMessage(m);
    };
    ws.onclose = (e) => {
      const info = { code: e.code, reason: e.reason };
      if (this.onClose === undefined) this.closedEarly = info;
      else this.onClose(info);
    };
  }

  /** The subprotocol the backend chose; "" when none. */
  get protocol(): string {
    return this.ws.protocol;
  }

  /** Hands over everything received so far, in order, then each message as it arrives; then the close. */
  deliver(onMessage: (m: WebSocketMessage) => void, onClose: (info: CloseInfo) => void): void {
    this.onMessage = onMessage;
    this.onClose = onClose;
    for (const m of this.queued.splice(0)) onMessage(m);
    if (this.closedEarly !== undefined) onClose(this.closedEarly);
  }

  send(m: string | ArrayBuffer | Uint8Array): void {
    this.ws.send(m);
  }

  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason);
    } catch {
      // Deno's client WebSocket takes only 1000 and 3000-4999 (as the WHATWG API says); Bun takes any
      // sendable code. There the backend learns the reason but not the code.
      this.ws.close(1000, reason);
    }
  }
}

export type BackendResult =
  | { readonly ok: true; readonly backend: BackendSocket }
  | { readonly ok: false; readonly reason: string };

/** A failed opening that got an HTTP answer other than 101: Bun and Deno word it differently. */
const HANDSHAKE_REFUSED = /Expected 101|Invalid status code/;

/** Opens the backend connection; settles once it is open, refused, unreachable or past `timeoutMs`. */
export function openBackend(
  url: string,
  headers: Record<string, string>,
  protocols: string[],
  timeoutMs: number,
  sandboxId: string,
): Promise<BackendResult> {
  return new Promise((resolve) => {
    const connectFailed = { ok: false, reason: ErrorDetail.connectFailed(sandboxId) } as const;
    // Both runtimes take headers in the options object; the standard signature has no place for them.
    const init: { headers: Record<string, string>; protocols?: string[] } = { headers };
    if (protocols.length > 0) init.protocols = protocols;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, init as unknown as string[]);
    } catch {
      resolve(connectFailed);
      return;
    }
    const backend = new BackendSocket(ws);
    const timer = setTimeout(() => {
      ws.close();
      resolve(connectFailed);
    }, timeoutMs);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve({ ok: true, backend });
    };
    ws.onerror = (event) => {
      clearTimeout(timer);
      const message = (event as ErrorEvent).message ?? "";
      resolve(
        HANDSHAKE_REFUSED.test(message) ? { ok: false, reason: ErrorDetail.handshakeFailed } : connectFailed,
      );
    };
  });
}
