// SandboxClaim lifecycle over the Kubernetes REST API, the same calls the Python SDK makes:
// create a v1beta1 claim, wait for status.sandbox.name and Ready=True, delete the claim.
import { check, sleep } from "k6";
import http from "k6/http";
import { env } from "./profiles.ts";

const apiUrl = env("KUBE_API_URL", "https://127.0.0.1:6443");
const token = env("KUBE_TOKEN", "");

const params = {
  headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
};

const claimsUrl = (namespace: string) =>
  `${apiUrl}/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/${namespace}/sandboxclaims`;

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

interface ClaimStatus {
  sandbox?: { name?: string; Name?: string };
  conditions?: Condition[];
}

const randomSuffix = () =>
  Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, "0");

/** Creates a claim and returns its name, or undefined when the API server refused it. */
export function createClaim(namespace: string, warmPool: string): string | undefined {
  const name = `sandbox-claim-${randomSuffix()}`;
  const body = {
    apiVersion: "extensions.agents.x-k8s.io/v1beta1",
    kind: "SandboxClaim",
    metadata: {
      name,
      annotations: { "agents.x-k8s.io/client-first-requested-at": new Date().toISOString() },
      labels: { "agents.x-k8s.io/created-by": "k6" },
    },
    spec: { warmPoolRef: { name: warmPool } },
  };
  const res = http.post(claimsUrl(namespace), JSON.stringify(body), params);
  return check(res, { "claim created": (r) => r.status === 201 }) ? name : undefined;
}

const terminalReasons = new Set([
  "InvalidMetadata",
  "EnvVarsInjectionRejected",
  "VolumeClaimTemplatesError",
  "ClaimExpired",
  "SandboxExpired",
  "TemplateNotFound",
  "WarmPoolNotFound",
]);

/** Polls the claim until it is bound and Ready; returns the sandbox name, or undefined on failure/timeout. */
export function waitForClaim(namespace: string, name: string, timeoutSeconds: number): string | undefined {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    const res = http.get(`${claimsUrl(namespace)}/${name}`, params);
    if (res.status !== 200) return undefined;
    const status = (res.json() as { status?: ClaimStatus }).status ?? {};
    const sandbox = status.sandbox?.name ?? status.sandbox?.Name;
    const ready = status.conditions?.find((c) => c.type === "Ready");
    if (sandbox && ready?.status === "True") return sandbox;
    if (ready?.reason && terminalReasons.has(ready.reason)) return undefined;
    sleep(0.05);
  }
  return undefined;
}

export function deleteClaim(namespace: string, name: string): void {
  const res = http.del(`${claimsUrl(namespace)}/${name}`, null, params);
  check(res, { "claim deleted": (r) => r.status === 200 || r.status === 202 || r.status === 404 });
}
