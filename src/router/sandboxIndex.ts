// In-memory resolution index fed by Sandbox and SandboxClaim events (docs/contracts.md):
// sandbox name -> URL host of its ready pod, and claim name -> bound sandbox name, per namespace.
// Lookups are two Map gets with no allocation (the `host:port` string too is kept); this sits on the request
// hot path.
import { DEFAULT_NAMESPACE } from "./headers";
import { parseIp } from "./ip";

interface Meta {
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
}
interface Condition {
  readonly type?: string | undefined;
  readonly status?: string | undefined;
}

/** The fields of a Sandbox the index reads (any served version). */
export interface SandboxLike {
  readonly metadata?: Meta | undefined;
  readonly status?:
    | {
        readonly podIPs?: readonly string[] | undefined;
        readonly conditions?: readonly Condition[] | undefined;
      }
    | undefined;
}

/** The fields of a SandboxClaim the index reads; v0.2.1 wrote `status.sandbox.Name`. */
export interface SandboxClaimLike {
  readonly metadata?: Meta | undefined;
  readonly status?:
    | {
        readonly sandbox?:
          | { readonly name?: string | undefined; readonly Name?: string | undefined }
          | undefined;
      }
    | undefined;
}

function key(meta: Meta | undefined): { namespace: string; name: string } | undefined {
  if (!meta?.name) return undefined;
  return { namespace: meta.namespace || DEFAULT_NAMESPACE, name: meta.name };
}

function isReady(obj: SandboxLike): boolean {
  return obj.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** URL host for the first parseable pod IP (IPv6 bracketed). */
function podHost(obj: SandboxLike): string | undefined {
  for (const raw of obj.status?.podIPs ?? []) {
    const ip = parseIp(raw);
    if (ip !== undefined) return ip.version === 6 ? `[${raw}]` : raw;
  }
  return undefined;
}

function setIn<V>(outer: Map<string, Map<string, V>>, ns: string, name: string, value: V): void {
  let inner = outer.get(ns);
  if (inner === undefined) {
    inner = new Map();
    outer.set(ns, inner);
  }
  inner.set(name, value);
}

function deleteIn<V>(outer: Map<string, Map<string, V>>, ns: string, name: string): void {
  const inner = outer.get(ns);
  if (inner === undefined) return;
  inner.delete(name);
  if (inner.size === 0) outer.delete(ns);
}

/** A ready pod's URL host, and its `host:port` for the port last asked (clients use one port per sandbox). */
class PodEndpoint {
  private port = 0;
  private lastHostPort = "";

  constructor(readonly host: string) {}

  /** The same string each time for the same port: no string is built, or hashed again by the pool's map. */
  hostPort(port: number): string {
    if (port !== this.port) {
      this.port = port;
      this.lastHostPort = `${this.host}:${port}`;
    }
    return this.lastHostPort;
  }
}

export class SandboxIndex {
  private readonly sandboxes = new Map<string, Map<string, PodEndpoint>>();
  private readonly claims = new Map<string, Map<string, string>>();
  private synced = false;

  /** Records a Sandbox; only a Ready one with a pod IP is routable, anything else is removed. */
  upsertSandbox(obj: SandboxLike): void {
    const k = key(obj.metadata);
    if (k === undefined) return;
    const host = isReady(obj) ? podHost(obj) : undefined;
    if (host === undefined) deleteIn(this.sandboxes, k.namespace, k.name);
    else if (this.sandboxes.get(k.namespace)?.get(k.name)?.host !== host)
      setIn(this.sandboxes, k.namespace, k.name, new PodEndpoint(host));
  }

  deleteSandbox(obj: SandboxLike): void {
    const k = key(obj.metadata);
    if (k !== undefined) deleteIn(this.sandboxes, k.namespace, k.name);
  }

  /** Records which sandbox a claim is bound to, so a client that sends the claim name still lands. */
  upsertClaim(obj: SandboxClaimLike): void {
    const k = key(obj.metadata);
    if (k === undefined) return;
    const bound = obj.status?.sandbox?.name || obj.status?.sandbox?.Name;
    if (bound) setIn(this.claims, k.namespace, k.name, bound);
    else deleteIn(this.claims, k.namespace, k.name);
  }

  deleteClaim(obj: SandboxClaimLike): void {
    const k = key(obj.metadata);
    if (k !== undefined) deleteIn(this.claims, k.namespace, k.name);
  }

  /** Replaces every sandbox entry with this complete list (a watcher's initial list or relist). */
  replaceSandboxes(objects: readonly SandboxLike[]): void {
    this.sandboxes.clear();
    for (const obj of objects) this.upsertSandbox(obj);
  }

  /** Replaces every claim entry with this complete list. */
  replaceClaims(objects: readonly SandboxClaimLike[]): void {
    this.claims.clear();
    for (const obj of objects) this.upsertClaim(obj);
  }

  /** URL host of the ready pod for a sandbox name, or for the sandbox a claim of that name is bound to. */
  lookup(namespace: string, name: string): string | undefined {
    return this.endpoint(namespace, name)?.host;
  }

  /** `host:port` of that pod for `port`. */
  lookupHostPort(namespace: string, name: string, port: number): string | undefined {
    return this.endpoint(namespace, name)?.hostPort(port);
  }

  private endpoint(namespace: string, name: string): PodEndpoint | undefined {
    const direct = this.sandboxes.get(namespace)?.get(name);
    if (direct !== undefined) return direct;
    const bound = this.claims.get(namespace)?.get(name);
    return bound === undefined ? undefined : this.sandboxes.get(namespace)?.get(bound);
  }

  /** Marks the initial list as loaded; /readyz stays 503 until then. */
  markSynced(): void {
    this.synced = true;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  get size(): number {
    let n = 0;
    for (const inner of this.sandboxes.values()) n += inner.size;
    return n;
  }
}
