// Fault: a sandbox pod's process is SIGKILLed while a request to it is in flight. The client gets a clear
// 5xx from the router (not a hang, not a 200), the node agent restarts the container (restartPolicy
// OnFailure), later requests succeed, and the claim keeps its one sandbox.
import { expect, setDefaultTimeout, test } from "bun:test";
import { poll, readySandbox } from "../../bench/soak/kube";
import { BindingLedger } from "../../bench/soak/ledger";
import { descendants } from "../../bench/soak/processes";
import { startLocalForTest } from "../support/local";
import { viaRouter } from "../support/sandbox-http";
import { faultSetup } from "./fault-setup";

setDefaultTimeout(180_000);

/**
 * The runtime runs under bwrap wrappers started with --die-with-parent: killing one of them can take the
 * others down before their turn comes, which is the outcome wanted, not an error.
 */
function killUnlessGone(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ESRCH") throw error;
  }
}

const setup = faultSetup(() => startLocalForTest({ warmPoolReplicas: 1 }));

test("killing the runtime mid-request gives a 5xx, then the pod is restarted and serves again", async () => {
  const { system: local, kube } = setup;
  await kube.createClaim("victim", "python-sandbox-warmpool");
  const sandbox = await readySandbox(kube, "victim", 120);
  expect(sandbox).toBeDefined();
  const ledger = new BindingLedger();
  ledger.observe(await kube.listClaims());
  const ip = await kube.podIP(sandbox!);
  expect(ip).toBeDefined();
  const calls = viaRouter(local.routerUrl, sandbox!);
  const runtimeOf = () => descendants().filter((p) => p.command.includes(`--host ${ip} `));
  expect(runtimeOf().length).toBeGreaterThan(0);

  // The command announces itself by creating a marker, so the kill lands while the request is in flight.
  const inFlight = calls.execute("sh -c 'touch started && sleep 30'");
  await poll(async () => (await calls.result("ls started"))?.exit_code === 0 || undefined, 60);
  for (const p of runtimeOf()) killUnlessGone(p.pid);
  const res = await inFlight;
  expect(res.status).toBeGreaterThanOrEqual(500);
  expect(res.status).toBeLessThan(600);

  const answer = await poll(() => calls.result("echo back"), 120, 250);
  expect(answer?.stdout).toBe("back\n");
  expect(await readySandbox(kube, "victim", 60)).toBe(sandbox);
  ledger.observe(await kube.listClaims());
  expect(ledger.details).toEqual([]);
});
