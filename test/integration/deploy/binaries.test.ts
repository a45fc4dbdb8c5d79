// Compiles the three binaries with scripts/build-binaries.ts and runs them on this machine: each starts with
// the flags the chart or its image passes (the controller against the embedded API server) and answers its
// health checks; each --help names every flag and variable the chart passes. A missing entry point
// fails here by name.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINARIES, type BuildResult, buildBinaries } from "../../../scripts/build-binaries";
import { runProcess } from "../../support/process";
import { startCluster } from "./kubectl";
import { field, find, renderChart } from "./render";

const outdir = mkdtempSync(join(tmpdir(), "deploy-binaries-"));
let result: BuildResult;

beforeAll(
  async () => {
    result = await buildBinaries({ components: BINARIES, outdir });
  },
  { timeout: 240_000 },
);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const flagName = (arg: string) => arg.split("=")[0]!;

/** What the router's --help must mention: every flag and variable the chart hands it, in any auth mode. */
const routerHelpTerms = (): string[] => {
  const container = field(
    find(renderChart(), "Deployment", "sandbox-router-deployment"),
    "spec.template.spec.containers.0",
  );
  const env = (container.env ?? []).map((e: { name: string }) => e.name);
  return [
    ...new Set([
      ...container.args.map(flagName),
      ...env,
      "ROUTER_AUTH_TOKEN",
      "ALLOW_UNAUTHENTICATED_ROUTER",
    ]),
  ];
};

const freePort = async (): Promise<number> => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
};

const until = async (what: string, check: () => Promise<boolean | undefined>) => {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
};

const run = async (binary: string, args: string[]) => {
  const { code, stdout, stderr } = await runProcess([join(outdir, binary), ...args]);
  return { code, output: `${stdout}${stderr}` };
};

/** Starts a long-running binary and waits (bounded) for a stdout line matching `ready`. */
const start = async (binary: string, args: string[], env: Record<string, string>, ready: RegExp) => {
  const proc = Bun.spawn([join(outdir, binary), ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const timeout = Bun.sleep(deadline - Date.now()).then(() => ({ done: true, value: undefined }));
    const chunk = await Promise.race([reader.read(), timeout]);
    if (chunk.done) break;
    seen += decoder.decode(chunk.value, { stream: true });
    const match = ready.exec(seen);
    if (match !== null) {
      reader.releaseLock();
      return { proc, match };
    }
  }
  proc.kill();
  throw new Error(
    `${binary} did not report ready; output:\n${seen}${await new Response(proc.stderr).text()}`,
  );
};

describe("compiled binaries", () => {
  for (const spec of BINARIES) {
    describe(spec.component, () => {
      test(`${spec.entry} exists and compiles to ${spec.binary}`, () => {
        expect(result.missing, `entry point ${spec.entry} is missing`).not.toContain(spec.entry);
        expect(result.failed.filter((f) => f.entry === spec.entry)).toEqual([]);
        expect(result.built).toContain(join(outdir, spec.binary));
      });
    });
  }

  test("the router's --help exits 0 and names every flag and variable the chart passes", async () => {
    const { code, output } = await run("sandbox-router", ["--help"]);
    expect(code).toBe(0);
    for (const flag of routerHelpTerms()) expect(output).toContain(flag);
  });

  test("the controller's --help exits 0 and names every flag the chart passes", async () => {
    const { code, output } = await run("agent-sandbox-controller", ["--help"]);
    expect(code).toBe(0);
    const args: string[] = field(
      find(
        renderChart({ values: { controller: { enabled: true } } }),
        "Deployment",
        "agent-sandbox-controller",
      ),
      "spec.template.spec.containers.0.args",
    );
    for (const flag of new Set(args.map(flagName))) expect(output).toContain(flag);
  });

  test("the runtime's --help exits 0 and names its flags and variables", async () => {
    const { code, output } = await run("sandbox-runtime", ["--help"]);
    expect(code).toBe(0);
    for (const term of ["--host", "--port", "--base-dir", "SANDBOX_BASE_DIR", "SANDBOX_EXEC_TIMEOUT_SECONDS"])
      expect(output).toContain(term);
  });

  test("the router starts on a free port and answers /healthz and /readyz", async () => {
    const { proc, match } = await start(
      "sandbox-router",
      ["--http-bind-address=127.0.0.1:0", "--metrics-bind-address=127.0.0.1:0"],
      { ALLOW_UNAUTHENTICATED_ROUTER: "true" },
      /^(\{.*"msg":"sandbox router listening".*\})$/m,
    );
    try {
      const line = JSON.parse(match[1]!) as { url: string; metricsUrl: string };
      const health = await fetch(`${line.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      expect((await fetch(`${line.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${line.metricsUrl}/metrics`)).status).toBe(200);
    } finally {
      proc.kill();
      await proc.exited;
    }
  });

  test("the controller runs with the chart's flags against the embedded API server", async () => {
    const cluster = await startCluster();
    const certDir = mkdtempSync(join(tmpdir(), "deploy-webhook-"));
    let proc: ReturnType<typeof Bun.spawn> | undefined;
    try {
      const crds = renderChart({ values: { crds: { install: true } } }).filter(
        (o) => o.kind === "CustomResourceDefinition",
      );
      await cluster.apply(crds.map((o) => `---\n${JSON.stringify(o)}\n`).join(""));
      const [metrics, probes, webhook] = await Promise.all([freePort(), freePort(), freePort()]);
      const chartArgs: string[] = field(
        find(
          renderChart({ values: { controller: { enabled: true } } }),
          "Deployment",
          "agent-sandbox-controller",
        ),
        "spec.template.spec.containers.0.args",
      );
      // The chart's flags, with this machine's free ports and a writable cert dir instead of the pod's.
      const overrides: Record<string, string> = {
        "--metrics-bind-address": `127.0.0.1:${metrics}`,
        "--health-probe-bind-address": `127.0.0.1:${probes}`,
        "--webhook-port": String(webhook),
        "--webhook-cert-dir": certDir,
      };
      const args = chartArgs.map((a) => {
        const name = flagName(a);
        return name in overrides ? `${name}=${overrides[name]}` : a;
      });
      proc = Bun.spawn(
        [join(outdir, "agent-sandbox-controller"), ...args, `--kubeconfig=${cluster.kubeconfigPath}`],
        {
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      const probe = `http://127.0.0.1:${probes}`;
      await until(
        "controller /readyz",
        async () => (await fetch(`${probe}/readyz`).catch(() => undefined))?.ok,
      );
      expect((await fetch(`${probe}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${metrics}/metrics`)).status).toBe(200);
      const crd = JSON.parse(
        await cluster.kubectlOk(["get", "crd", "sandboxes.agents.x-k8s.io", "-o", "json"]),
      ) as { spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } } };
      expect(crd.spec.conversion.webhook.clientConfig.caBundle).toBeString();
    } finally {
      proc?.kill();
      await proc?.exited;
      await cluster.stop();
      rmSync(certDir, { recursive: true, force: true });
    }
  }, 60_000);

  test("the runtime starts on a free port and answers its health check", async () => {
    const baseDir = mkdtempSync(join(tmpdir(), "deploy-runtime-"));
    const { proc, match } = await start(
      "sandbox-runtime",
      ["--host", "127.0.0.1", "--port", "0", "--base-dir", baseDir],
      {},
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    try {
      const health = await fetch(`http://127.0.0.1:${match[1]}/`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", message: "Sandbox Runtime is active." });
    } finally {
      proc.kill();
      await proc.exited;
      rmSync(baseDir, { recursive: true, force: true });
    }
  });
});
