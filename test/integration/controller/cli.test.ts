// The controller binary: flags, probes, metrics, leader election, the conversion webhook, clean exit.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManagedRuntime } from "effect";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver";
import { installCrds, kubeLayer, type Obj } from "./harness";

let api: ApiServerHandle;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "controller-cli-"));
  api = await startApiServer({ port: 0, kubeconfigPath: join(dir, "kubeconfig") });
  const runtime = ManagedRuntime.make(kubeLayer(api));
  await installCrds((e) => runtime.runPromise(e));
  await runtime.dispose();
}, 30_000);
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const freePort = () => {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
};

const waitFor = async (
  url: string,
  init?: RequestInit & { tls?: { rejectUnauthorized: boolean } },
): Promise<Response> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(url, init);
      if (r.ok) return r;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} never answered 200`);
    await Bun.sleep(50);
  }
};

test("rejects bad flags with a clear message and exit code 2", async () => {
  const proc = Bun.spawn(
    [process.execPath, "run", "src/controller/main.ts", "--sandbox-concurrent-workers=zero"],
    {
      stderr: "pipe",
    },
  );
  expect(await proc.exited).toBe(2);
  expect(await new Response(proc.stderr).text()).toContain("--sandbox-concurrent-workers must be an integer");
}, 30_000);

test("serves probes, metrics and /convert, takes the lease, and exits cleanly on SIGTERM", async () => {
  const [metrics, probes, webhook] = [freePort(), freePort(), freePort()];
  const proc = Bun.spawn(
    [
      "bun",
      "run",
      "src/controller/main.ts",
      `--kubeconfig=${join(dir, "kubeconfig")}`,
      "--extensions",
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      `--health-probe-bind-address=127.0.0.1:${probes}`,
      "--leader-elect",
      "--leader-election-namespace=agent-sandbox-system",
      "--enable-webhook",
      `--webhook-port=${webhook}`,
      `--webhook-cert-dir=${join(dir, "certs")}`,
      "--manage-webhook-certs=false",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  try {
    await waitFor(`http://127.0.0.1:${probes}/healthz`);
    await waitFor(`http://127.0.0.1:${probes}/readyz`);
    const text = await (await waitFor(`http://127.0.0.1:${metrics}/metrics`)).text();
    expect(text).toContain("# TYPE agent_sandbox_claim_startup_latency_ms histogram");
    expect(text).toContain("agent_sandbox_build_info");
    const review = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      request: {
        uid: "u1",
        desiredAPIVersion: "agents.x-k8s.io/v1alpha1",
        objects: [
          {
            apiVersion: "agents.x-k8s.io/v1beta1",
            kind: "Sandbox",
            metadata: { name: "s" },
            spec: { podTemplate: { spec: { containers: [] } }, operatingMode: "Suspended" },
          },
        ],
      },
    };
    const ca = readFileSync(join(dir, "certs", "tls.crt"), "utf8");
    const converted = (await (
      await fetch(`https://localhost:${webhook}/convert`, {
        method: "POST",
        body: JSON.stringify(review),
        tls: { ca },
      } as RequestInit)
    ).json()) as Obj;
    expect(converted.response.uid).toBe("u1");
    expect(converted.response.result.status).toBe("Success");
    expect(converted.response.convertedObjects[0].spec.replicas).toBe(0);
    const lease = (await (
      await fetch(
        `${api.url}/apis/coordination.k8s.io/v1/namespaces/agent-sandbox-system/leases/a3317529.agent-sandbox.x-k8s.io`,
        {
          headers: { authorization: `Bearer ${api.token}` },
          tls: { rejectUnauthorized: false },
        } as RequestInit,
      )
    ).json()) as Obj;
    expect(lease.spec.holderIdentity).toBeString();
  } finally {
    proc.kill("SIGTERM");
  }
  expect(await proc.exited).toBe(0);
}, 60_000);
