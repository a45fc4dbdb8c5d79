// Local mode end to end: claims in both API versions, commands and files through the router, suspend and
// resume keeping files, claim expiry, one local mode per state directory, and nothing left running after
// shutdown.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Effect, Exit } from "effect";
import { type KubeObject, refs } from "../../src/kube/index";
import { startLocal } from "../../src/local/compose";
import { describeStartFailure } from "../../src/local/failure";
import { kubeOn } from "../support/kube";
import { type LocalHandle, processesServing, startLocalForTest } from "../support/local";
import { viaRouter } from "../support/sandbox-http";
import { until } from "../support/until";

let local: LocalHandle;
const kube = kubeOn(() => local);

interface Claim extends KubeObject {
  status?: {
    sandbox?: { name?: string; podIPs?: string[] };
    conditions?: Array<{ type: string; status: string; reason?: string }>;
  };
}

const readyClaim = (ref: typeof refs.sandboxClaim, name: string) =>
  until(`claim ${name} Ready`, async () => {
    const claim = await kube((k) => k.get<Claim>(ref, name, { namespace: "default" }));
    const ready = claim.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    return ready && claim.status?.sandbox?.name ? claim : undefined;
  });

const sandboxOf = (claim: Claim) => viaRouter(local.routerUrl, claim.status!.sandbox!.name!);

/** Whether bubblewrap can make namespaces here (as root, or with unprivileged user namespaces). */
const bubblewrapWorks = () => {
  try {
    return Bun.spawnSync(["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"]).exitCode === 0;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  local = await startLocalForTest();
});

afterAll(async () => {
  await local?.stop();
});

describe("local mode", () => {
  test("/readyz on the router port answers 200 once everything is up", async () => {
    expect((await fetch(`${local.routerUrl}/readyz`)).status).toBe(200);
  });

  test("a v1beta1 claim from the warm pool runs the article's command through the router", async () => {
    await kube((k) =>
      k.create(refs.sandboxClaim, {
        apiVersion: "extensions.agents.x-k8s.io/v1beta1",
        kind: "SandboxClaim",
        metadata: { name: "beta-claim", namespace: "default" },
        spec: { warmPoolRef: { name: "python-sandbox-warmpool" } },
      }),
    );
    const claim = await readyClaim(refs.sandboxClaim, "beta-claim");
    expect(claim.status!.sandbox!.name!.startsWith("python-sandbox-warmpool-")).toBe(true);
    const result = await sandboxOf(claim).result("echo 'Hello from Local!'");
    expect(result).toEqual({ stdout: "Hello from Local!\n", stderr: "", exit_code: 0 });
  });

  test("a v0.2.1-shaped claim (v1alpha1, sandboxTemplateRef) becomes Ready and routable", async () => {
    await kube((k) =>
      k.create(refs.v1alpha1.sandboxClaim, {
        apiVersion: "extensions.agents.x-k8s.io/v1alpha1",
        kind: "SandboxClaim",
        metadata: { name: "alpha-claim", namespace: "default" },
        spec: { sandboxTemplateRef: { name: "python-sandbox-template" } },
      }),
    );
    const claim = await readyClaim(refs.v1alpha1.sandboxClaim, "alpha-claim");
    const result = await sandboxOf(claim).result("python3 -c 'print(6*7)'");
    expect(result?.stdout).toBe("42\n");
  });

  test("files: write, read, list and exists through the router", async () => {
    const sandbox = sandboxOf(await readyClaim(refs.sandboxClaim, "beta-claim"));
    const form = new FormData();
    form.append("file", new Blob(["some notes\n"]), "notes/today.txt");
    expect((await sandbox.request("upload", { method: "POST", body: form })).status).toBe(200);
    expect(await (await sandbox.request(`download/${encodeURIComponent("notes/today.txt")}`)).text()).toBe(
      "some notes\n",
    );
    const listing = (await (await sandbox.request("list/notes")).json()) as Array<{
      name: string;
      type: string;
    }>;
    expect(listing.map((e) => [e.name, e.type])).toEqual([["today.txt", "file"]]);
    expect(await (await sandbox.request("exists/notes%2Ftoday.txt")).json()).toEqual({
      path: "notes/today.txt",
      exists: true,
    });
    expect(
      ((await (await sandbox.request("exists/nothing-here")).json()) as { exists: boolean }).exists,
    ).toBe(false);
  });

  // Without bubblewrap, pods share the host's /etc/hosts and resolve no Service names (docs/node.md).
  test.skipIf(!bubblewrapWorks())(
    "Services resolve in a sandbox by their cluster names, the bare name in its own namespace",
    async () => {
      await kube((k) =>
        k.create(refs.service, {
          metadata: { name: "probe-svc", namespace: "default" },
          spec: { ports: [{ port: 80 }] },
        }),
      );
      const service = await kube((k) =>
        k.get<KubeObject & { spec?: { clusterIP?: string } }>(refs.service, "probe-svc", {
          namespace: "default",
        }),
      );
      const ip = service.spec?.clusterIP ?? "";
      expect(ip).toMatch(/^127\.96\./);
      const sandbox = sandboxOf(await readyClaim(refs.sandboxClaim, "beta-claim"));
      // The hosts file is rewritten in place as Services change, so the running pod sees the new one.
      const found = await until("the Service's names in the sandbox", async () => {
        const r = await sandbox.result("getent hosts probe-svc probe-svc.default.svc.cluster.local");
        return r?.exit_code === 0 ? r.stdout : undefined;
      });
      const lines = found.trim().split("\n");
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.split(/\s+/)[0]).toBe(ip);
    },
  );

  test("suspend and resume keep the sandbox's files", async () => {
    const claim = await readyClaim(refs.sandboxClaim, "beta-claim");
    const sandbox = claim.status!.sandbox!.name!;
    const calls = sandboxOf(claim);
    expect((await calls.result("sh -c 'echo kept > survivor.txt'"))?.exit_code).toBe(0);
    const setMode = (operatingMode: string) =>
      kube((k) =>
        k.patch(
          refs.sandbox,
          sandbox,
          { type: "merge", body: { spec: { operatingMode } } },
          { namespace: "default" },
        ),
      );
    await setMode("Suspended");
    await until("pod gone", async () => {
      const pods = await kube((k) =>
        k.list(refs.pod, { namespace: "default", fieldSelector: `metadata.name=${sandbox}` }),
      );
      return pods.items.length === 0 ? true : undefined;
    });
    await setMode("Running");
    await readyClaim(refs.sandboxClaim, "beta-claim");
    const result = await until("runtime answering after resume", () => calls.result("cat survivor.txt"));
    expect(result.stdout).toBe("kept\n");
  });

  test("a claim whose shutdownTime passes is deleted (policy Delete)", async () => {
    const soon = new Date(Date.now() + 2000).toISOString().replace(/\.\d{3}Z$/, "Z");
    await kube((k) =>
      k.create(refs.sandboxClaim, {
        apiVersion: "extensions.agents.x-k8s.io/v1beta1",
        kind: "SandboxClaim",
        metadata: { name: "short-lived", namespace: "default" },
        spec: {
          warmPoolRef: { name: "python-sandbox-warmpool" },
          lifecycle: { shutdownTime: soon, shutdownPolicy: "Delete" },
        },
      }),
    );
    await until("expired claim deleted", async () => {
      const gone = await kube((k) =>
        k.get(refs.sandboxClaim, "short-lived", { namespace: "default" }).pipe(
          Effect.as(false),
          Effect.catchTag("NotFound", () => Effect.succeed(true)),
        ),
      );
      return gone ? true : undefined;
    });
  });

  test("a second local mode on the same state directory refuses to start, saying why, and the first runs on", async () => {
    const second = await Effect.runPromiseExit(Effect.scoped(startLocal(local.config)));
    expect(Exit.isFailure(second)).toBe(true);
    if (Exit.isFailure(second))
      expect(describeStartFailure(second.cause)).toMatch(/store\.sqlite is in use by another process/);
    expect((await fetch(`${local.routerUrl}/readyz`)).status).toBe(200);
    const namespace = await kube((k) => k.get(refs.namespace, "default"));
    expect(namespace.metadata?.name).toBe("default");
  });

  test("stopping local mode leaves no pod process behind", async () => {
    const pods = await kube((k) =>
      k.list<KubeObject & { status?: { podIP?: string } }>(refs.pod, { namespace: "default" }),
    );
    const ips = pods.items.map((p) => p.status?.podIP).filter((ip): ip is string => ip !== undefined);
    expect(ips.length).toBeGreaterThan(0);
    // bubblewrap wrappers repeat the container command line, so a pod may show more than one process.
    expect((await processesServing(ips)).length).toBeGreaterThanOrEqual(ips.length);
    await local.stop();
    expect(await processesServing(ips)).toEqual([]);
  });
});
