// Local mode stopped (its scope closed, as Ctrl-C does) and started again on the same state directory: the
// claim comes back bound to the same sandbox, and the file written into that sandbox before is still there.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeApi, kubeApi, readySandbox } from "../../bench/soak/kube";
import { type LocalHandle, startLocalForTest } from "../support/local";
import { viaRouter } from "../support/sandbox-http";
import { until } from "../support/until";

setDefaultTimeout(300_000);

let stateDir = "";
let local: LocalHandle | undefined;
let kube: KubeApi | undefined;

const start = async () => {
  local = await startLocalForTest({ stateDir, warmPoolReplicas: 1 });
  kube = kubeApi(local.kubeconfigPath, "default");
  return { local, kube };
};

const stop = async () => {
  await kube?.dispose();
  await local?.stop();
  kube = undefined;
  local = undefined;
};

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "local-restart-"));
});

afterAll(async () => {
  await stop();
  await rm(stateDir, { recursive: true, force: true });
});

test("after a restart on the same state dir the claim has the same sandbox, with its files", async () => {
  const first = await start();
  await first.kube.createClaim("keeper", "python-sandbox-warmpool");
  const sandbox = await readySandbox(first.kube, "keeper", 120);
  expect(sandbox).toBeDefined();
  const before = viaRouter(first.local.routerUrl, sandbox!);
  const put = await before.request("v1/files/notes/kept.txt", { method: "PUT", body: "written before\n" });
  expect(put.status).toBe(204);
  await stop();

  const second = await start();
  expect(await readySandbox(second.kube, "keeper", 120)).toBe(sandbox);
  const after = viaRouter(second.local.routerUrl, sandbox!);
  const read = await until("the sandbox answering after the restart", () =>
    after.result("cat notes/kept.txt"),
  );
  expect(read).toEqual({ stdout: "written before\n", stderr: "", exit_code: 0 });
});
