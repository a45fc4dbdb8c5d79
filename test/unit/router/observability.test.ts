import { expect, test } from "bun:test";
import { makeAccessLog } from "../../../src/router/accessLog";
import { RouterMetrics } from "../../../src/router/metrics";

test("metrics render the Go router's names with labels and cumulative buckets", () => {
  const m = new RouterMetrics("v1");
  m.observeRequest("GET", 200, "default", 0.003);
  m.observeRequest("GET", 200, "default", 0.2);
  m.upstreamError("team", "connect");
  m.upstreamRetry("team");
  m.authzDecision("team", "deny");
  const text = m.render();
  expect(text).toContain(
    'sandbox_router_requests_total{method="GET",code="200",sandbox_namespace="default"} 2',
  );
  expect(text).toContain(
    'sandbox_router_request_duration_seconds_bucket{method="GET",code="200",sandbox_namespace="default",le="0.005"} 1',
  );
  expect(text).toContain(
    'sandbox_router_request_duration_seconds_bucket{method="GET",code="200",sandbox_namespace="default",le="0.25"} 2',
  );
  expect(text).toContain("sandbox_router_inflight_requests 0");
  expect(text).toContain('sandbox_router_upstream_errors_total{sandbox_namespace="team",reason="connect"} 1');
  expect(text).toContain('sandbox_router_upstream_retries_total{sandbox_namespace="team"} 1');
  expect(text).toContain('sandbox_router_authz_decisions_total{sandbox_namespace="team",decision="deny"} 1');
  expect(text).toMatch(/sandbox_router_build_info\{git_version="v1",runtime="bun-[^"]+"\} 1/);
});

test("access log is off at rate 0, samples, and never logs the query string", () => {
  expect(makeAccessLog({ sampleRate: 0 })).toBeUndefined();
  const lines: string[] = [];
  const rolls = [0.1, 0.9];
  const log = makeAccessLog({
    sampleRate: 0.5,
    write: (l) => lines.push(l),
    random: () => rolls.shift() ?? 0,
  })!;
  const entry = {
    method: "GET",
    path: "/x?token=secret",
    status: 200,
    sandboxId: "a",
    namespace: "default",
    durationMs: 1,
    clientIp: "1.2.3.4",
  };
  log(entry);
  log(entry);
  expect(lines.length).toBe(1);
  const parsed = JSON.parse(lines[0]!);
  expect(parsed.path).toBe("/x");
  expect(parsed.status).toBe(200);
  expect(parsed.sandboxId).toBe("a");
});
