// Routing-header parsing and forwarded-header rules (reference §3.2). Pure: no I/O, no config globals.
import { NameTable } from "./http1/nameTable";
import { type Cidr, cidrContains, formatHost, isForbiddenTarget, parseIp } from "./ip";

export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_SANDBOX_PORT = 8888;

/** The 400 details, word for word as upstream's routers send them. */
export const RouteErrorDetail = {
  missingId: "X-Sandbox-ID header is required.",
  badId: "Invalid sandbox ID format.",
  badNamespace: "Invalid namespace format.",
  badPort: "Invalid port format.",
  forbiddenIp: "Invalid target IP address.",
  badIpFormat: "Invalid target IP address format.",
} as const;
export type RouteErrorDetail = (typeof RouteErrorDetail)[keyof typeof RouteErrorDetail];

export interface Target {
  readonly id: string;
  readonly namespace: string;
  readonly port: number;
  /** URL host (IPv6 bracketed) from a validated X-Sandbox-Pod-IP, when the client sent one. */
  readonly podHost: string | undefined;
}

/** The part of `Headers` the routing rules read; the router's own listener supplies it without a Headers. */
export interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
}

export interface PodIpPolicy {
  /** Loopback ranges that are allowed despite the guard (local mode's pod range, e.g. 127.1.0.0/16). */
  readonly allowedCidrs: readonly Cidr[];
}

/** DNS-1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63 characters. */
export function isDnsLabel(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 63) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
    if (c === 45 && i !== 0 && i !== n - 1) continue;
    return false;
  }
  return true;
}

/** Decimal port 1..65535 (an optional '+' is accepted, as Python's int() and Go's Atoi do). */
export function parsePort(raw: string): number | undefined {
  const start = raw.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  if (raw.length === start || raw.length - start > 10) return undefined;
  let n = 0;
  for (let i = start; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Validates X-Sandbox-Pod-IP and returns the URL host, or the 400 detail. */
export function parsePodIp(raw: string, policy: PodIpPolicy): string | RouteErrorDetail {
  const ip = parseIp(raw);
  if (ip === undefined) return RouteErrorDetail.badIpFormat;
  if (isForbiddenTarget(ip) && !policy.allowedCidrs.some((c) => cidrContains(c, ip))) {
    return RouteErrorDetail.forbiddenIp;
  }
  return formatHost(raw, ip);
}

/** Reads and validates the routing headers. Returns the target or the 400 detail. */
export function parseTarget(headers: HeaderReader, policy: PodIpPolicy): Target | RouteErrorDetail {
  const id = headers.get("x-sandbox-id");
  if (!id) return RouteErrorDetail.missingId;
  if (!isDnsLabel(id)) return RouteErrorDetail.badId;
  const namespace = headers.get("x-sandbox-namespace") ?? DEFAULT_NAMESPACE;
  if (!isDnsLabel(namespace)) return RouteErrorDetail.badNamespace;
  let port = DEFAULT_SANDBOX_PORT;
  const rawPort = headers.get("x-sandbox-port");
  if (rawPort !== null) {
    const parsed = parsePort(rawPort);
    if (parsed === undefined) return RouteErrorDetail.badPort;
    port = parsed;
  }
  let podHost: string | undefined;
  const rawIp = headers.get("x-sandbox-pod-ip");
  if (rawIp) {
    const host = parsePodIp(rawIp, policy);
    if (host === RouteErrorDetail.badIpFormat || host === RouteErrorDetail.forbiddenIp) return host;
    podHost = host;
  }
  return { id, namespace, port, podHost };
}

const DECIMAL = /^\+?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * X-Sandbox-Timeout in milliseconds, capped by the proxy timeout. Like upstream, a malformed, non-positive
 * or non-finite value falls back to the proxy timeout instead of failing the request.
 */
export function requestTimeoutMs(raw: string | null, proxyTimeoutMs: number): number {
  if (raw === null || !DECIMAL.test(raw)) return proxyTimeoutMs;
  const ms = Number(raw) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) return proxyTimeoutMs;
  return Math.min(ms, proxyTimeoutMs);
}

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "transfer-encoding",
  "upgrade",
] as const;

const ROUTER_HEADERS = [
  "x-sandbox-id",
  "x-sandbox-namespace",
  "x-sandbox-port",
  "x-sandbox-pod-ip",
  "x-sandbox-timeout",
] as const;

/**
 * Never forwarded upstream: hop-by-hop, the router's own headers, Host (rewritten), the router's auth header,
 * and inbound X-Forwarded-* (the router sets its own; a client must not be able to spoof its address).
 */
export const REQUEST_EXCLUDED = new NameTable([
  ...HOP_BY_HOP,
  ...ROUTER_HEADERS,
  "host",
  "authorization",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
]);

/** Also dropped on WebSocket upgrades: the handshake is redone by the router's own client. */
const WEBSOCKET_EXCLUDED = new NameTable([
  ...REQUEST_EXCLUDED.names,
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
  "origin",
]);

const NO_TOKENS: readonly string[] = Object.freeze([]);

/** Header names listed in a Connection header value (lowercased, trimmed). */
export function connectionTokens(value: string | null): readonly string[] {
  if (!value) return NO_TOKENS;
  const out: string[] = [];
  for (const token of value.split(",")) {
    const name = token.trim().toLowerCase();
    if (name) out.push(name);
  }
  return out;
}

/** Whether a client request header (lowercase name) goes upstream: not excluded, not named in Connection. */
export function forwardsRequestHeader(
  name: string,
  connectionNamed: readonly string[],
  excluded: NameTable = REQUEST_EXCLUDED,
): boolean {
  return !excluded.has(name) && (connectionNamed.length === 0 || !connectionNamed.includes(name));
}

export interface ForwardedFor {
  readonly clientIp: string;
  readonly proto: "http" | "https";
}

/**
 * Headers to send upstream for a client request, following the rules above. A plain record: fetch takes it
 * directly, and building it costs a fraction of a Headers object (this runs on every request).
 */
export function upstreamRequestHeaders(
  src: Headers,
  fwd: ForwardedFor,
  websocket = false,
): Record<string, string> {
  const excluded = websocket ? WEBSOCKET_EXCLUDED : REQUEST_EXCLUDED;
  const named = connectionTokens(src.get("connection"));
  const out: Record<string, string> = {};
  src.forEach((value, name) => {
    // Repeated request headers arrive joined by Headers already, except Set-Cookie, which requests never carry.
    if (forwardsRequestHeader(name, named, excluded)) out[name] = value;
  });
  out["x-forwarded-for"] = fwd.clientIp;
  const host = src.get("host");
  if (host !== null) out["x-forwarded-host"] = host;
  out["x-forwarded-proto"] = fwd.proto;
  return out;
}

/** Removes hop-by-hop headers (and those named in Connection) from a response's headers, in place. */
export function stripHopByHop(headers: Headers): void {
  const connection = headers.get("connection");
  if (connection !== null) for (const name of connectionTokens(connection)) headers.delete(name);
  for (const name of HOP_BY_HOP) headers.delete(name);
}

const HOP_BY_HOP_SET: ReadonlySet<string> = new Set<string>(HOP_BY_HOP);

/** True when the response carries a header the client must not see. One pass; cheaper than a lookup per name. */
export function hasHopByHop(headers: Headers): boolean {
  let found = false;
  headers.forEach((_value, name) => {
    if (HOP_BY_HOP_SET.has(name)) found = true;
  });
  return found;
}
