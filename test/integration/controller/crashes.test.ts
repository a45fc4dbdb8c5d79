// Processes killed (SIGKILL) while the controller serves a burst of claims: the API server, which comes back on
// the same port and storage file, and the controller, whose successor starts from the API server alone. Either
// way, once the system is whole again every claim ends Ready with a Sandbox of its own, no Sandbox serves two
// claims, nothing is left without an owner, and the pool refills.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Fiber, Layer, Logger, LogLevel, ManagedRuntime } from "effect";
import { ANNOTATION_SANDBOX_NAME } from "../../../src/api";
import { startApiServer } from "../../../src/apiserver";
import { refs } from "../../../src/kube";
import { claim, pool, readyClaim, readyPool, template } from "./fixtures";
import {
  type Client,
  clientHelpers,
  installCrds,
  kubeLayer,
  type Obj,
  type Run,
  startController,
} from "./harness";

const ROOT = join(import.meta.dir, "../../..");
const TOKEN = "crashes-test";
const POOL_SIZE = 8;
/** More claims than warm members: adoptions and cold starts are both under way at the kill. */
const CLAIMS = Array.from({ length: 12 }, (_, i) => `claim-${i}`);

const dir = mkdtempSync(join(tmpdir(), "controller-crashes-"));
const children: Array<ReturnType<typeof Bun.spawn>> = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts `args` with this Bun; resolves once its output (stdout and stderr, read all along so the pipes never
 * fill) matches `ready`, with the match.
 */
const startProcess = async (args: string[], ready: RegExp) => {
  const child = Bun.spawn([process.execPath, ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  children.push(child);
  let output = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  for (;;) {
    const match = ready.exec(output);
    if (match) return { child, match };
    if (child.exitCode !== null) {
      await drained;
      throw new Error(`${args[0]} exited before it was ready:\n${output}`);
    }
    await Bun.sleep(10);
  }
};

const kill = async (child: ReturnType<typeof Bun.spawn>) => {
  child.kill("SIGKILL");
  await child.exited;
};

const controlledBy = (o: Obj): Obj | undefined =>
  (o.metadata.ownerReferences ?? []).find((r: Obj) => r.controller === true);

/** A full pool of Ready members, then the claims at once; returns once the controller is binding them. */
const startBurst = async (client: Client) => {
  await client.create(refs.sandboxTemplate, template("tpl"));
  await client.create(refs.sandboxWarmPool, pool("pool", "tpl", POOL_SIZE));
  await readyPool(client, "pool", POOL_SIZE);
  await Promise.all(CLAIMS.map((n) => client.create(refs.sandboxClaim, claim(n, "pool"))));
  // Killed once the controller is at it: a claim has its binding recorded (the rest at any stage).
  await client.until("the controller to start binding", async () =>
    (await client.list(refs.sandboxClaim)).some((c) => c.metadata.annotations?.[ANNOTATION_SANDBOX_NAME])
      ? true
      : undefined,
  );
};

/** Every claim Ready on a Sandbox it alone controls; the pool full again; no Sandbox or pod orphaned. */
const expectEveryClaimServedOnce = async (client: Client) => {
  const claims = await Promise.all(CLAIMS.map((n) => readyClaim(client, n, 60_000)));
  const sandboxes = await client.list(refs.sandbox);
  expect(new Set(claims.map((c) => c.status.sandbox.name)).size).toBe(CLAIMS.length);
  for (const c of claims) {
    const held = sandboxes.filter((s) => controlledBy(s)?.uid === c.metadata.uid);
    expect(held.map((s) => s.metadata.name)).toEqual([c.status.sandbox.name]);
  }
  await readyPool(client, "pool", POOL_SIZE, 60_000);
  const owners = new Set([
    ...claims.map((c) => c.metadata.uid as string),
    (await client.get(refs.sandboxWarmPool, "pool"))?.metadata.uid as string,
  ]);
  const current = await client.list(refs.sandbox);
  for (const s of current) expect(owners).toContain(controlledBy(s)?.uid);
  expect(current.length).toBe(CLAIMS.length + POOL_SIZE);
  const uidOf = new Map(current.map((s) => [s.metadata.name as string, s.metadata.uid as string]));
  for (const p of await client.list(refs.pod)) {
    if (!p.metadata.deletionTimestamp) expect(controlledBy(p)?.uid).toBe(uidOf.get(p.metadata.name));
  }
};

/** A client runtime for `url`; the controller's warnings while a process is down are the expected part. */
const quietRuntime = (url: string) =>
  ManagedRuntime.make(Layer.merge(kubeLayer({ url, token: TOKEN }), Logger.minimumLogLevel(LogLevel.Error)));

test("a SIGKILLed API server mid-burst: once it is back, every claim is served once and the pool refills", async () => {
  const storage = join(dir, "store.sqlite");
  const apiServer = (port: number) =>
    startProcess(
      ["src/apiserver/main.ts", "--port", String(port), "--storage", storage, "--token", TOKEN],
      /listening on (http:\/\/\S+)/,
    );
  const first = await apiServer(0);
  const url = first.match[1]!;
  const runtime = quietRuntime(url);
  const run: Run = (effect) => runtime.runPromise(effect);
  const client = clientHelpers(run);
  await installCrds(run);
  const controller = await startController(runtime);
  try {
    await startBurst(client);
    await kill(first.child);
    // Long enough for the controller's writes to fail and its watches to break, and for it to back off.
    await Bun.sleep(1000);
    await apiServer(Number(new URL(url).port));
    await expectEveryClaimServedOnce(client);
  } finally {
    await runtime.runPromise(Fiber.interrupt(controller));
    await runtime.dispose();
  }
}, 120_000);

test("a SIGKILLed controller mid-burst: its successor serves every claim once and refills the pool", async () => {
  const kubeconfig = join(dir, "kubeconfig");
  const api = await startApiServer({ port: 0, token: TOKEN, kubeconfigPath: kubeconfig });
  const runtime = quietRuntime(api.url);
  const run: Run = (effect) => runtime.runPromise(effect);
  const client = clientHelpers(run);
  const controller = () =>
    startProcess(
      [
        "src/controller/main.ts",
        `--kubeconfig=${kubeconfig}`,
        "--extensions",
        "--leader-elect=false",
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
      ],
      /caches synced/,
    );
  try {
    await installCrds(run);
    const first = await controller();
    await startBurst(client);
    await kill(first.child);
    const successor = await controller();
    await expectEveryClaimServedOnce(client);
    await kill(successor.child);
  } finally {
    await runtime.dispose();
    await api.stop();
  }
}, 120_000);
