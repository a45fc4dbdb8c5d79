// Fault: the API server is SIGKILLed mid-run and started again on the same SQLite file. During the outage
// API clients get a clear error and already-routed sandboxes keep serving from the router's index; after it,
// the controller, node agent and router (whose watches broke, and resume against a server whose event
// window restarted) carry on without being restarted: a new claim becomes Ready and is routable.
import { expect, setDefaultTimeout, test } from "bun:test";
import { poll, readySandbox } from "../../bench/soak/kube";
import { BindingLedger } from "../../bench/soak/ledger";
import { startParts } from "../../bench/soak/parts";
import { viaRouter } from "../support/sandbox-http";
import { faultSetup } from "./fault-setup";

setDefaultTimeout(240_000);

const setup = faultSetup(() => startParts({ warmPoolReplicas: 1 }));

const output = async (sandbox: string, command: string) =>
  (await viaRouter(setup.system.routerUrl, sandbox).result(command))?.stdout;

test("API server killed and restarted: clear errors during, everything reconnects after", async () => {
  const { system: parts, kube } = setup;
  const ledger = new BindingLedger();
  await kube.createClaim("before", "python-sandbox-warmpool");
  const before = await readySandbox(kube, "before", 120);
  expect(before).toBeDefined();
  ledger.observe(await kube.listClaims());

  await parts.killApiServer();
  await expect(kube.createClaim("during", "python-sandbox-warmpool")).rejects.toBeDefined();
  // The router answers from its index while the API server is gone.
  expect(await output(before!, "echo still-here")).toBe("still-here\n");

  await parts.startApiServer();
  const created = await poll(
    () => kube.createClaim("after", "python-sandbox-warmpool").then(() => true),
    60,
    250,
  );
  expect(created).toBe(true);
  const after = await readySandbox(kube, "after", 120);
  expect(after).toBeDefined();
  expect(after).not.toBe(before);
  // Reaching the new sandbox proves the router's watch resumed (it learned a pod it never saw before).
  expect(await poll(() => output(after!, "echo new"), 60, 250)).toBe("new\n");
  expect(await output(before!, "echo old")).toBe("old\n");

  ledger.observe(await kube.listClaims());
  expect(ledger.details).toEqual([]);
  expect(await kube.getClaim("during")).toBeUndefined();
  const claims = await kube.listClaims();
  expect(claims.map((c) => [c.metadata?.name, c.status?.sandbox?.name]).sort()).toEqual([
    ["after", after],
    ["before", before],
  ]);
});
