// Resolution chain (reference §3.3, DESIGN "Router"): validated X-Sandbox-Pod-IP, then the in-memory
// SandboxIndex (sandbox or claim name -> ready pod), then cluster DNS. Synchronous and API-free per request.
import type { Target } from "./headers";
import type { SandboxIndex } from "./sandboxIndex";

export interface Resolver {
  /** `host:port` to dial for a validated target. */
  resolve(target: Target): string;
}

export interface ResolverOptions {
  readonly index?: SandboxIndex | undefined;
  readonly clusterDomain: string;
}

export function makeResolver(options: ResolverOptions): Resolver {
  const { index } = options;
  const dnsSuffix = `.svc.${options.clusterDomain}:`;
  return {
    resolve(target) {
      if (target.podHost !== undefined) return `${target.podHost}:${target.port}`;
      const indexed = index?.lookupHostPort(target.namespace, target.id, target.port);
      if (indexed !== undefined) return indexed;
      return `${target.id}.${target.namespace}${dnsSuffix}${target.port}`;
    },
  };
}
