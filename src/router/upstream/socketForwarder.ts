// The Bun forwarder: the router's own HTTP/1.1 client over pooled keep-alive sockets. Compared with `fetch`
// it needs no second thread, no URL parsing and no Headers object per request, and it forwards the path
// as the server handed it over.
import { DEADLINE_PASSED, type Deadline, type Forwarder, forwardWithin, type UpstreamCall } from "../forward";
import { type BodyFraming, flatFields, requestHead } from "../http1/requestHead";
import { Exchange, StaleConnection } from "./exchange";
import type { UpstreamConnection, UpstreamPool } from "./pool";

/** The client went away before the response head; the upstream request is cancelled. */
export class ClientGone extends Error {
  override readonly name = "ClientGone";
}

function framingOf(call: UpstreamCall): BodyFraming {
  if (!call.hasBody) return "none";
  return call.request.headers.has("content-length") ? "length" : "chunked";
}

/** A dial that gives up when the deadline passes (the socket, if it connects later, is closed). */
export function dialWithin(
  pool: UpstreamPool,
  hostPort: string,
  deadline: Deadline,
): Promise<UpstreamConnection> {
  return new Promise((resolve, reject) => {
    let settled = false;
    deadline.onExpire = () => {
      settled = true;
      reject(DEADLINE_PASSED);
    };
    pool.dial(hostPort).then((conn) => {
      if (settled) conn.destroy();
      else resolve(conn);
    }, reject);
  });
}

/** A client that disconnects while the sandbox works cancels the upstream request (the sandbox sees a reset). */
function watchClient(signal: AbortSignal, exchange: Exchange): void {
  if (signal.aborted) exchange.abort(new ClientGone());
  else signal.addEventListener("abort", () => exchange.abort(new ClientGone()), { once: true });
}

async function attempt(
  pool: UpstreamPool,
  call: UpstreamCall,
  head: Buffer,
  deadline: Deadline,
): Promise<Response> {
  const { request } = call;
  const framing = framingOf(call);
  // A stale kept-alive connection is retried on the next one; each try uses up one, ending with a fresh dial.
  for (;;) {
    const conn = pool.take(call.hostPort) ?? (await dialWithin(pool, call.hostPort, deadline));
    if (deadline.expired) {
      conn.destroy();
      throw DEADLINE_PASSED;
    }
    const exchange = new Exchange(conn, request.method);
    deadline.onExpire = () => exchange.abort(DEADLINE_PASSED);
    deadline.onSlow = () => watchClient(request.signal, exchange);
    exchange.send(head, call.hasBody ? request.body : null, framing);
    try {
      return await exchange.response;
    } catch (error) {
      // A kept-alive connection the sandbox had already closed: nothing reached it, so a fresh one may.
      if (!(error instanceof StaleConnection)) throw error;
    }
  }
}

export function socketForwarder(pool: UpstreamPool): Forwarder {
  return (call, options) => {
    const head = Buffer.from(
      requestHead(
        call.request.method,
        call.pathAndQuery,
        call.hostPort,
        flatFields(call.request.headers),
        call.forwarded,
        framingOf(call),
      ),
      "latin1",
    );
    return forwardWithin((deadline) => attempt(pool, call, head, deadline), options);
  };
}
