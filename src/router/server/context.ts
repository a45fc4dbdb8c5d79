// What every connection of the router's own listener shares: the routing rules, the upstream pool and the
// hand-off to Bun's server for requests the listener leaves to it.
import type { RetryPolicy } from "../forward";
import type { RouterMetrics } from "../metrics";
import type { RequestObserver, Routing } from "../routing";
import type { UpstreamPool } from "../upstream/pool";

export interface ListenerContext {
  readonly route: Routing;
  readonly observer: RequestObserver;
  readonly pool: UpstreamPool;
  readonly retry: RetryPolicy;
  readonly metrics: RouterMetrics | undefined;
  /** Scheme clients used to reach the router, sent as X-Forwarded-Proto. */
  readonly proto: "http" | "https";
  /** Loopback port of the Bun server that takes connections handed off to it. */
  readonly handOffPort: number;
  /** Local port of each hand-off connection -> the client address it carries (for X-Forwarded-For). */
  readonly handOffClients: Map<number, string>;
  /** Set when the router stops: responses then close their connections. */
  draining: boolean;
}
