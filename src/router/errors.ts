// The router's error responses: JSON `{"detail": ...}` with upstream's status codes and wording.

export const ErrorDetail = {
  internal: "An internal error occurred in the proxy.",
  upgradeOverHttp:
    "Backend attempted a WebSocket upgrade over HTTP. Connect using the WebSocket protocol instead.",
  missingAuth: "Missing or invalid Authorization header.",
  invalidToken: "Invalid token.",
  connectFailed: (id: string) => `Could not connect to the backend sandbox: ${id}`,
  timedOut: (id: string) => `Timed out waiting for the backend sandbox: ${id}`,
  handshakeFailed: "Backend WebSocket handshake failed.",
  tooManyWebSockets: (limit: number) => `Too many concurrent WebSocket connections (limit: ${limit}).`,
} as const;

/**
 * One JSON line on stderr for a failure the client only sees as a generic 500: the response must not leak
 * internals, so this line is the operator's only trace of the cause.
 */
export function logInternalError(msg: string, error: unknown): void {
  const cause = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(JSON.stringify({ ts: new Date().toISOString(), level: "error", msg, error: cause }));
}
