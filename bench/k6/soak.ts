// Soak: a few claimed sandboxes receive mixed execute/upload/download traffic for a long time.
// Usage: k6 run -e KUBE_API_URL=... -e KUBE_TOKEN=... -e ROUTER_URL=http://127.0.0.1:8080 bench/k6/soak.ts
import { check, fail } from "k6";
import http from "k6/http";
import type { Options } from "k6/options";
import { createClaim, deleteClaim, waitForClaim } from "./lib/kube.ts";
import { env, profiles } from "./lib/profiles.ts";

const profile = profiles.soak;
const namespace = env("SANDBOX_NAMESPACE", profiles.claimChurn.namespace);
const warmPool = env("WARM_POOL", profiles.claimChurn.warmPool);
const routerUrl = env("ROUTER_URL", "http://127.0.0.1:8080");

export const options: Options = {
  vus: profile.vus,
  duration: `${profile.durationSeconds}s`,
  thresholds: {
    http_req_failed: [`rate<=${profile.thresholds.errorRate}`],
    http_req_duration: [`p(99)<${profile.thresholds.p99Ms}`],
  },
};

const payload = "x".repeat(profile.uploadBytes);
const seedFile = "soak-seed.txt";

interface Setup {
  claims: string[];
  sandboxes: string[];
}

export function setup(): Setup {
  const claims: string[] = [];
  const sandboxes: string[] = [];
  for (let i = 0; i < profile.sandboxes; i++) {
    const claim = createClaim(namespace, warmPool);
    const sandbox = claim && waitForClaim(namespace, claim, profiles.claimChurn.readyTimeoutSeconds);
    if (!claim || !sandbox) fail("could not claim a sandbox for the soak");
    claims.push(claim);
    sandboxes.push(sandbox);
    const seeded = http.post(
      `${routerUrl}/upload`,
      { file: http.file(payload, seedFile) },
      { headers: { "X-Sandbox-ID": sandbox, "X-Sandbox-Namespace": namespace } },
    );
    if (seeded.status !== 200) fail(`could not seed ${sandbox}: HTTP ${seeded.status}`);
  }
  return { claims, sandboxes };
}

export default function (data: Setup): void {
  const sandbox = data.sandboxes[__VU % data.sandboxes.length]!;
  const headers = { "X-Sandbox-ID": sandbox, "X-Sandbox-Namespace": namespace };
  const roll = Math.random();
  if (roll < profile.mix.execute) {
    const res = http.post(`${routerUrl}/execute`, JSON.stringify({ command: "echo soak" }), {
      headers: { ...headers, "Content-Type": "application/json" },
    });
    check(res, { "execute ok": (r) => r.status === 200 && (r.json("stdout") as string) === "soak\n" });
  } else if (roll < profile.mix.execute + profile.mix.upload) {
    const res = http.post(
      `${routerUrl}/upload`,
      { file: http.file(payload, `soak-${__VU}.txt`) },
      { headers },
    );
    check(res, { "upload ok": (r) => r.status === 200 });
  } else {
    const res = http.get(`${routerUrl}/download/${seedFile}`, { headers });
    check(res, { "download ok": (r) => r.status === 200 && r.body === payload });
  }
}

export function teardown(data: Setup): void {
  for (const claim of data.claims) deleteClaim(namespace, claim);
}
