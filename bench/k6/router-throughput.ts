// Router throughput: keepalive GETs spread over many X-Sandbox-ID values.
// Usage: k6 run -e ROUTER_URL=http://127.0.0.1:8080 [-e SANDBOX_IDS=a,b,c] bench/k6/router-throughput.ts
// Without SANDBOX_IDS the IDs are sandbox-0..N-1 (the bench runners register those in the router's index).
import { check } from "k6";
import http from "k6/http";
import type { Options } from "k6/options";
import { env, profiles } from "./lib/profiles.ts";

const profile = profiles.routerThroughput;
const routerUrl = env("ROUTER_URL", "http://127.0.0.1:8080");
const namespace = env("SANDBOX_NAMESPACE", "default");
const ids = __ENV.SANDBOX_IDS
  ? __ENV.SANDBOX_IDS.split(",")
  : Array.from({ length: profile.sandboxIds }, (_, i) => `sandbox-${i}`);

export const options: Options = {
  vus: profile.connections,
  duration: `${profile.durationSeconds}s`,
  thresholds: {
    http_req_failed: [`rate<=${profile.thresholds.errorRate}`],
    http_req_duration: [`p(99)<${profile.thresholds.p99Ms}`],
  },
};

export default function (): void {
  const id = ids[Math.floor(Math.random() * ids.length)]!;
  const res = http.get(`${routerUrl}${profile.path}`, {
    headers: { "X-Sandbox-ID": id, "X-Sandbox-Namespace": namespace },
  });
  check(res, { "status is 200": (r) => r.status === 200 });
}
