// bun run bench/load/claim-churn.ts [--seconds N] [--rate claims/s] [--kubeconfig path]
// The k6 claim-churn profile without k6, making the same HTTP calls as bench/k6/lib/kube.ts (and the SDKs):
// POST a v1beta1 SandboxClaim, GET it until status.sandbox.name and Ready=True, DELETE it. Against the cluster
// in --kubeconfig, or a local mode it starts (own state dir). Profile from bench/profiles.json; the rate can be
// scaled down for small machines. Prints one JSON line; exits 1 when a threshold is missed.
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { startLocalForTest } from "../../test/support/local";
import { percentile } from "../percentile";
import profiles from "../profiles.json";

const profile = profiles.claimChurn;
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: String(profile.durationSeconds) },
    rate: { type: "string", default: String(profile.claimsPerSecond) },
    kubeconfig: { type: "string" },
  },
});

const local = values.kubeconfig ? undefined : await startLocalForTest({ warmPoolReplicas: 2 });
const kubeconfig = parse(await Bun.file(values.kubeconfig ?? local?.kubeconfigPath ?? "").text()) as {
  clusters: Array<{ cluster: { server: string; "certificate-authority-data"?: string } }>;
  users: Array<{ user: { token?: string } }>;
};
const cluster = kubeconfig.clusters[0]?.cluster;
const token = kubeconfig.users[0]?.user.token;
if (!cluster) throw new Error("kubeconfig has no cluster");
const ca = cluster["certificate-authority-data"];
const tls = ca ? { ca: Buffer.from(ca, "base64").toString() } : {};
const claimsUrl = `${cluster.server}/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/${profile.namespace}/sandboxclaims`;
const headers = {
  "Content-Type": "application/json",
  ...(token ? { Authorization: `Bearer ${token}` } : {}),
};
const call = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers, tls });

const latencies: number[] = [];
let errors = 0;

const oneClaim = async () => {
  const name = `sandbox-claim-${crypto.randomUUID().slice(0, 8)}`;
  const started = performance.now();
  const body = {
    apiVersion: "extensions.agents.x-k8s.io/v1beta1",
    kind: "SandboxClaim",
    metadata: { name, labels: { "agents.x-k8s.io/created-by": "bench-load" } },
    spec: { warmPoolRef: { name: profile.warmPool } },
  };
  const created = await call(claimsUrl, { method: "POST", body: JSON.stringify(body) });
  if (created.status !== 201) {
    errors++;
    return;
  }
  const deadline = Date.now() + profile.readyTimeoutSeconds * 1000;
  let ready = false;
  while (!ready && Date.now() < deadline) {
    const res = await call(`${claimsUrl}/${name}`);
    const claim = (await res.json()) as {
      status?: { sandbox?: { name?: string }; conditions?: Array<{ type: string; status: string }> };
    };
    ready =
      !!claim.status?.sandbox?.name &&
      !!claim.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    if (!ready) await Bun.sleep(50);
  }
  if (ready) latencies.push(performance.now() - started);
  else errors++;
  const deleted = await call(`${claimsUrl}/${name}`, { method: "DELETE" });
  if (![200, 202, 404].includes(deleted.status)) errors++;
};

const seconds = Number(values.seconds);
const interval = 1000 / Number(values.rate);
const inFlight: Promise<void>[] = [];
for (const end = Date.now() + seconds * 1000; Date.now() < end; await Bun.sleep(interval)) {
  inFlight.push(oneClaim().catch(() => void errors++));
}
await Promise.all(inFlight);
await local?.stop();

const pct = (p: number) => Math.round(percentile(latencies, p));
const total = latencies.length + errors;
const result = {
  profile: "claimChurn",
  claims: inFlight.length,
  ready: latencies.length,
  errors,
  errorRate: total > 0 ? errors / total : 0,
  claimReadyP50Ms: pct(50),
  claimReadyP99Ms: pct(99),
  rate: Number(values.rate),
  seconds,
  thresholds: profile.thresholds,
};
const passed =
  result.errorRate <= profile.thresholds.errorRate &&
  result.claimReadyP99Ms <= (profile.thresholds.claimReadyP99Ms ?? Infinity);
console.log(JSON.stringify({ ...result, passed }));
process.exit(passed ? 0 : 1);
