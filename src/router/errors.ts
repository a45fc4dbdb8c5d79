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

const JSON_HEADERS = { "content-type": "application/json" } as const;

export function errorResponse(status: number, detail: string): Response {
  return new Response(JSON.stringify({ detail }), { status, headers: JSON_HEADERS });
}
