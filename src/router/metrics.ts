// Prometheus metrics with the Go router's names (reference §3.3). Series live in nested maps keyed by
// label value so recording a request allocates nothing once its series exists.

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180];

interface RequestSeries {
  count: number;
  sum: number;
  readonly buckets: Float64Array;
}

type Nested<V> = Map<string, Map<string, V>>;

function nestedGet<V>(m: Nested<V>, a: string, b: string, make: () => V): V {
  let inner = m.get(a);
  if (inner === undefined) {
    inner = new Map();
    m.set(a, inner);
  }
  let v = inner.get(b);
  if (v === undefined) {
    v = make();
    inner.set(b, v);
  }
  return v;
}

/** A counter cell; an object so a lookup can bump it in place. */
const newCounter = () => ({ n: 0 });

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

export class RouterMetrics {
  inflight = 0;
  /** namespace -> method -> code -> series (numeric code: no string made per request) */
  private readonly requests = new Map<string, Map<string, Map<number, RequestSeries>>>();
  private readonly upstreamErrors: Nested<{ n: number }> = new Map();
  private readonly retries = new Map<string, number>();
  private readonly authz: Nested<{ n: number }> = new Map();

  constructor(private readonly version = "dev") {}

  observeRequest(method: string, code: number, namespace: string, seconds: number): void {
    let byMethod = this.requests.get(namespace);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.requests.set(namespace, byMethod);
    }
    let byCode = byMethod.get(method);
    if (byCode === undefined) {
      byCode = new Map();
      byMethod.set(method, byCode);
    }
    let series = byCode.get(code);
    if (series === undefined) {
      series = { count: 0, sum: 0, buckets: new Float64Array(DURATION_BUCKETS.length) };
      byCode.set(code, series);
    }
    series.count++;
    series.sum += seconds;
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      if (seconds <= DURATION_BUCKETS[i]!) {
        series.buckets[i]!++;
        break;
      }
    }
  }

  upstreamError(namespace: string, reason: "connect" | "timeout" | "upgrade" | "internal"): void {
    nestedGet(this.upstreamErrors, namespace, reason, newCounter).n++;
  }

  upstreamRetry(namespace: string): void {
    this.retries.set(namespace, (this.retries.get(namespace) ?? 0) + 1);
  }

  authzDecision(namespace: string, decision: "allow" | "deny"): void {
    nestedGet(this.authz, namespace, decision, newCounter).n++;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    const head = (name: string, type: string, help: string) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    head("sandbox_router_requests_total", "counter", "Total HTTP requests handled by the router.");
    const hist: string[] = [];
    for (const [ns, byMethod] of this.requests) {
      for (const [method, byCode] of byMethod) {
        for (const [code, s] of byCode) {
          const labels = `method="${escapeLabel(method)}",code="${code}",sandbox_namespace="${escapeLabel(ns)}"`;
          out.push(`sandbox_router_requests_total{${labels}} ${s.count}`);
          let cumulative = 0;
          for (let i = 0; i < DURATION_BUCKETS.length; i++) {
            cumulative += s.buckets[i]!;
            hist.push(
              `sandbox_router_request_duration_seconds_bucket{${labels},le="${DURATION_BUCKETS[i]}"} ${cumulative}`,
            );
          }
          hist.push(
            `sandbox_router_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`,
            `sandbox_router_request_duration_seconds_sum{${labels}} ${s.sum}`,
            `sandbox_router_request_duration_seconds_count{${labels}} ${s.count}`,
          );
        }
      }
    }
    head(
      "sandbox_router_request_duration_seconds",
      "histogram",
      "Time from receiving a request to sending the response headers, in seconds.",
    );
    out.push(...hist);
    head("sandbox_router_inflight_requests", "gauge", "Number of HTTP requests currently in flight.");
    out.push(`sandbox_router_inflight_requests ${this.inflight}`);
    head(
      "sandbox_router_upstream_errors_total",
      "counter",
      "Errors reaching the upstream sandbox, by reason.",
    );
    pushByNamespace(out, "sandbox_router_upstream_errors_total", "reason", this.upstreamErrors);
    head("sandbox_router_upstream_retries_total", "counter", "Upstream dial retries, by namespace.");
    for (const [ns, n] of this.retries) {
      out.push(`sandbox_router_upstream_retries_total{sandbox_namespace="${escapeLabel(ns)}"} ${n}`);
    }
    head(
      "sandbox_router_authz_decisions_total",
      "counter",
      "Authentication outcomes, by namespace and decision.",
    );
    pushByNamespace(out, "sandbox_router_authz_decisions_total", "decision", this.authz);
    head("sandbox_router_build_info", "gauge", "Sandbox router build metadata; constant 1.");
    out.push(
      `sandbox_router_build_info{git_version="${escapeLabel(this.version)}",runtime="${runtimeName()}"} 1`,
    );
    return `${out.join("\n")}\n`;
  }
}

/** Samples of a counter labelled by namespace and one fixed-vocabulary label (no escaping needed for it). */
function pushByNamespace(out: string[], name: string, label: string, counters: Nested<{ n: number }>): void {
  for (const [ns, byValue] of counters) {
    for (const [value, c] of byValue) {
      out.push(`${name}{sandbox_namespace="${escapeLabel(ns)}",${label}="${value}"} ${c.n}`);
    }
  }
}

function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return `bun-${g.Bun.version}`;
  if (g.Deno) return `deno-${g.Deno.version.deno}`;
  return "unknown";
}
