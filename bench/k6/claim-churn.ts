// Claim churn: claims created at a constant rate, waited on until Ready, then released.
// Usage: k6 run -e KUBE_API_URL=https://127.0.0.1:6443 -e KUBE_TOKEN=... --insecure-skip-tls-verify bench/k6/claim-churn.ts
import { Rate, Trend } from "k6/metrics";
import type { Options } from "k6/options";
import { createClaim, deleteClaim, waitForClaim } from "./lib/kube.ts";
import { env, profiles } from "./lib/profiles.ts";

const profile = profiles.claimChurn;
const namespace = env("SANDBOX_NAMESPACE", profile.namespace);
const warmPool = env("WARM_POOL", profile.warmPool);

const claimReady = new Trend("claim_ready_ms", true);
const claimErrors = new Rate("claim_errors");

export const options: Options = {
  scenarios: {
    churn: {
      executor: "constant-arrival-rate",
      rate: profile.claimsPerSecond,
      timeUnit: "1s",
      duration: `${profile.durationSeconds}s`,
      preAllocatedVUs: profile.claimsPerSecond * 4,
    },
  },
  thresholds: {
    claim_ready_ms: [`p(99)<${profile.thresholds.claimReadyP99Ms}`],
    claim_errors: [`rate<=${profile.thresholds.errorRate}`],
  },
};

export default function (): void {
  const started = Date.now();
  const claim = createClaim(namespace, warmPool);
  if (!claim) {
    claimErrors.add(1);
    return;
  }
  const sandbox = waitForClaim(namespace, claim, profile.readyTimeoutSeconds);
  claimErrors.add(sandbox ? 0 : 1);
  if (sandbox) claimReady.add(Date.now() - started);
  deleteClaim(namespace, claim);
}
