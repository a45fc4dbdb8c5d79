// The Promise face of the SDK against local mode: every operation, attaching, cancellation (AbortSignal,
// SIGINT of a child process) and each typed error.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClaimFailed,
  ClaimTimeout,
  type CreateOptions,
  type ExecEvent,
  InvalidPath,
  SandboxClient,
  SandboxRequestError,
  TemplateNotFound,
  WarmPoolNotFound,
} from "../../src/client/index";
import { kubeOn } from "../support/kube";
import { clientEnv, type LocalHandle, startLocalForTest } from "../support/local";
import { until } from "../support/until";
import { claimNames, createStuckPool, noClaimsLeft, text } from "./sdk-helpers";

setDefaultTimeout(60_000);

let local: LocalHandle;
let scratch: string;
const kube = kubeOn(() => local);
const STUCK_POOL = "stuck-pool";

const options = (extra: Partial<CreateOptions> = {}): CreateOptions =>
  ({
    ...("template" in extra ? {} : { warmPool: "python-sandbox-warmpool" }),
    kubeconfig: local.kubeconfigPath,
    connection: { mode: "direct", routerUrl: local.routerUrl },
    ...extra,
  }) as CreateOptions;

/** The error a promise rejects with. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );

beforeAll(async () => {
  local = await startLocalForTest();
  scratch = await mkdtemp(join(tmpdir(), "sdk-promise-"));
  await createStuckPool(kube, STUCK_POOL);
});

afterAll(async () => {
  await local?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("Promise face", () => {
  test("run, streaming exec, files, suspend/resume keeping files; `await using` deletes the claim", async () => {
    let claimName = "";
    {
      await using sandbox = await SandboxClient.create(options());
      claimName = sandbox.claimName;
      expect(sandbox.sandboxName.startsWith("python-sandbox-warmpool-")).toBe(true);
      expect(await claimNames(kube)).toContain(claimName);

      expect(await sandbox.run("echo 'Hello from Local!'")).toEqual({
        stdout: "Hello from Local!\n",
        stderr: "",
        exitCode: 0,
      });
      expect((await sandbox.run("sh -c 'exit 7'")).exitCode).toBe(7);

      const events: ExecEvent[] = [];
      for await (const event of sandbox.exec([
        "sh",
        "-c",
        "echo one; echo two >&2; sleep 0.2; echo three; exit 4",
      ]))
        events.push(event);
      const stream = (type: "stdout" | "stderr") =>
        events.flatMap((e) => (e.type === type ? [text(e.data)] : [])).join("");
      expect(stream("stdout")).toBe("one\nthree\n");
      expect(stream("stderr")).toBe("two\n");
      expect(events.at(-1)).toEqual({ type: "exit", exitCode: 4 });
      expect(events.filter((e) => e.type === "exit")).toHaveLength(1);

      await sandbox.files.write("work/notes.txt", "kept across suspend\n");
      await sandbox.files.write("work/data.bin", new Uint8Array([0, 1, 2, 255]));
      expect(await sandbox.files.readText("work/notes.txt")).toBe("kept across suspend\n");
      expect([...(await sandbox.files.read("work/data.bin"))]).toEqual([0, 1, 2, 255]);
      const listing = await sandbox.files.list("work");
      expect(listing.map((e) => [e.name, e.type, e.size]).sort()).toEqual([
        ["data.bin", "file", 4],
        ["notes.txt", "file", 20],
      ]);
      expect(await sandbox.files.exists("work/notes.txt")).toBe(true);
      await sandbox.files.delete("work/data.bin");
      expect(await sandbox.files.exists("work/data.bin")).toBe(false);
      await sandbox.files.delete("work/never-was.txt"); // a missing file is not an error

      await sandbox.suspend();
      await sandbox.resume();
      expect(await sandbox.files.readText("work/notes.txt")).toBe("kept across suspend\n");
      expect((await sandbox.run("cat work/notes.txt")).stdout).toBe("kept across suspend\n");
    }
    await until("claim deleted on dispose", async () =>
      (await claimNames(kube)).includes(claimName) ? undefined : true,
    );
  });

  test("a v1alpha1 claim from a template; terminate() deletes the claim at once", async () => {
    const sandbox = await SandboxClient.create(options({ template: "python-sandbox-template" }));
    expect((await sandbox.run("python3 -c 'print(6*7)'")).stdout).toBe("42\n");
    await sandbox.terminate();
    await noClaimsLeft(kube);
    await sandbox.close(); // closing again is harmless
  });

  test("attach reaches an existing claim and leaves it in place when closed", async () => {
    await using owner = await SandboxClient.create(options());
    await owner.files.write("from-owner.txt", "hi");
    {
      await using attached = await SandboxClient.attach({
        claimName: owner.claimName,
        kubeconfig: local.kubeconfigPath,
        connection: { mode: "direct", routerUrl: local.routerUrl },
      });
      expect(attached.sandboxName).toBe(owner.sandboxName);
      expect(await attached.files.readText("from-owner.txt")).toBe("hi");
    }
    expect(await claimNames(kube)).toContain(owner.claimName);
  });

  test("attaching to a claim that does not exist fails with NotFound", async () => {
    const error = await rejection(
      SandboxClient.attach({
        claimName: "no-such-claim",
        kubeconfig: local.kubeconfigPath,
        connection: options().connection!,
      }),
    );
    expect((error as { _tag: string })._tag).toBe("NotFound");
  });

  test("typed errors: TemplateNotFound, WarmPoolNotFound, ClaimFailed (InvalidMetadata), ClaimTimeout", async () => {
    const missingTemplate = await rejection(SandboxClient.create(options({ template: "missing" })));
    expect(missingTemplate).toBeInstanceOf(TemplateNotFound);
    expect(await rejection(SandboxClient.create(options({ warmPool: "missing" })))).toBeInstanceOf(
      WarmPoolNotFound,
    );
    const invalid = await rejection(
      SandboxClient.create(options({ podLabels: { "example.com/team": "x" } })),
    );
    expect(invalid).toBeInstanceOf(ClaimFailed);
    expect((invalid as ClaimFailed).reason).toBe("InvalidMetadata");
    const timeout = await rejection(SandboxClient.create(options({ warmPool: STUCK_POOL, readyTimeout: 2 })));
    expect(timeout).toBeInstanceOf(ClaimTimeout);
    expect((timeout as ClaimTimeout).seconds).toBe(2);
    // Every failed claim was deleted again.
    await noClaimsLeft(kube);
  });

  test("typed errors of calls: SandboxRequestError for a missing file, InvalidPath before sending", async () => {
    await using sandbox = await SandboxClient.create(options());
    const missing = await rejection(sandbox.files.read("no/such/file.txt"));
    expect(missing).toBeInstanceOf(SandboxRequestError);
    expect((missing as SandboxRequestError).status).toBe(404);
    for (const path of ["../x", "a/../../etc/passwd", "bad\u0000name"]) {
      expect(await rejection(sandbox.files.write(path, "x"))).toBeInstanceOf(InvalidPath);
      expect(await rejection(sandbox.files.read(path))).toBeInstanceOf(InvalidPath);
    }
  });

  test("aborting a create while it waits deletes the claim", async () => {
    const controller = new AbortController();
    const creating = SandboxClient.create(options({ warmPool: STUCK_POOL, signal: controller.signal }));
    await until("claim created", async () => ((await claimNames(kube)).length > 0 ? true : undefined));
    controller.abort();
    await rejection(creating);
    await noClaimsLeft(kube);
  });

  const spawnHolder = async (warmPool: string) => {
    const script = join(scratch, `holder-${warmPool}.ts`);
    await writeFile(
      script,
      `import { SandboxClient } from ${JSON.stringify(join(import.meta.dir, "../../src/client/index.ts"))};
console.log("creating");
const sandbox = await SandboxClient.create({ warmPool: ${JSON.stringify(warmPool)}, readyTimeout: 120 });
console.log("ready " + sandbox.claimName);
await new Promise(() => {});
`,
    );
    return Bun.spawn([process.execPath, "run", script], {
      env: clientEnv(local),
      stdout: "pipe",
      stderr: "pipe",
    });
  };

  test("SIGINT to a process holding a session deletes its claim before it exits", async () => {
    const child = await spawnHolder("python-sandbox-warmpool");
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready ")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`child ended early: ${out}${await new Response(child.stderr).text()}`);
      out += value;
    }
    const claimName = /ready (\S+)/.exec(out)?.[1] ?? "";
    expect(await claimNames(kube)).toContain(claimName);
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    await until("claim deleted after SIGINT", async () =>
      (await claimNames(kube)).includes(claimName) ? undefined : true,
    );
  });

  test("SIGINT while the claim is still being waited on deletes it too", async () => {
    const child = await spawnHolder(STUCK_POOL);
    await until("claim created", async () => ((await claimNames(kube)).length > 0 ? true : undefined));
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    await noClaimsLeft(kube);
  });
});
