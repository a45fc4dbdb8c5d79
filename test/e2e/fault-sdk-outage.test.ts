// Fault: the API server (its own process) is SIGKILLed and restarted while an SDK user waits for a claim to
// become Ready, and again while a session deletes its claim. Both ride out the outage: the create resolves to a
// working sandbox once the server is back, and the claim closed during the outage is deleted after it.
import { expect, setDefaultTimeout, test } from "bun:test";
import { poll } from "../../bench/soak/kube";
import { startParts } from "../../bench/soak/parts";
import { type CreateOptions, SandboxClient } from "../../src/client/index";
import { faultSetup } from "./fault-setup";

setDefaultTimeout(240_000);

const setup = faultSetup(() => startParts({ warmPoolReplicas: 1 }));
const OUTAGE_MS = 1500;

const options = (): CreateOptions => ({
  warmPool: "python-sandbox-warmpool",
  kubeconfig: setup.system.kubeconfigPath,
  connection: { mode: "direct", routerUrl: setup.system.routerUrl },
  readyTimeout: 120,
});

const claimNames = async () => (await setup.kube.listClaims()).map((c) => c.metadata?.name);

test("a create waiting for Ready rides out an API server restart", async () => {
  const { system: parts } = setup;
  // Without a controller the claim cannot be bound before the outage, so the SDK's wait spans it.
  await parts.stopController();
  const reasons: string[] = [];
  const creating = SandboxClient.create({
    ...options(),
    onProgress: (p) => {
      if (p._tag === "Waiting") reasons.push(p.reason);
    },
  });
  const claim = await poll(async () => (await claimNames())[0], 60, 20);
  expect(claim).toBeDefined();
  await parts.killApiServer();
  await Bun.sleep(OUTAGE_MS);
  await parts.startApiServer();
  await parts.startController();

  await using sandbox = await creating;
  expect(sandbox.claimName).toBe(claim!);
  // It said why it went on waiting.
  expect(reasons).toContain("APIServerUnreachable");
  expect((await sandbox.run("echo back")).stdout).toBe("back\n");
});

test("a session closed while the API server is down deletes its claim once it is back", async () => {
  const { system: parts } = setup;
  const sandbox = await SandboxClient.create(options());
  expect(await claimNames()).toContain(sandbox.claimName);
  await parts.killApiServer();
  const closing = sandbox.close();
  await Bun.sleep(OUTAGE_MS);
  await parts.startApiServer();
  await closing;
  // Gone, or going (a claim's finalizers may hold it a moment).
  const gone = await poll(
    async () => ((await claimNames()).includes(sandbox.claimName) ? undefined : true),
    60,
  );
  expect(gone).toBe(true);
});
