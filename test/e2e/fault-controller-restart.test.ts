// Fault: the controller is stopped and started again in the middle of a burst of claims. Every claim ends
// Ready, each with its own sandbox (none bound twice, none moved), and the router reaches all of them.
import { expect, setDefaultTimeout, test } from "bun:test";
import { poll, readySandbox } from "../../bench/soak/kube";
import { BindingLedger } from "../../bench/soak/ledger";
import { startParts } from "../../bench/soak/parts";
import { viaRouter } from "../support/sandbox-http";
import { faultSetup } from "./fault-setup";

setDefaultTimeout(240_000);

const BURST = 6;
const setup = faultSetup(() => startParts({ warmPoolReplicas: 2 }));

test("controller restarted during a claim burst: all claims Ready, none bound twice", async () => {
  const { system: parts, kube } = setup;
  const ledger = new BindingLedger();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      await kube.listClaims().then(
        (l) => ledger.observe(l),
        () => undefined,
      );
      await Bun.sleep(100);
    }
  })();
  const names = Array.from({ length: BURST }, (_, i) => `burst-${i}`);
  const creations = names.map((n) => kube.createClaim(n, "python-sandbox-warmpool"));
  await Promise.all(creations.slice(0, BURST / 2));
  await parts.restartController();
  await Promise.all(creations);

  const sandboxes = await Promise.all(names.map((n) => readySandbox(kube, n, 180)));
  watching = false;
  await watcher;
  ledger.observe(await kube.listClaims());
  expect(sandboxes.every((s) => s !== undefined)).toBe(true);
  expect(new Set(sandboxes).size).toBe(BURST);
  expect(ledger.details).toEqual([]);
  for (const sandbox of sandboxes) {
    const answer = await poll(() => viaRouter(parts.routerUrl, sandbox!).result("echo ok"), 60, 250);
    expect(answer?.stdout).toBe("ok\n");
  }
});
