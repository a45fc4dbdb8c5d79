// The Effect face of the SDK against local mode: operations inside a scope, the claim deleted when the
// scope closes or the fiber is interrupted while waiting, and each typed error by tag.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Chunk, Effect, Fiber, Stream } from "effect";
import { type ClaimOptions, KubeClient, Sandbox } from "../../src/client/index";
import { kubeOn } from "../support/kube";
import { type LocalHandle, startLocalForTest } from "../support/local";
import { until } from "../support/until";
import { claimNames, createStuckPool, noClaimsLeft, text } from "./sdk-helpers";

setDefaultTimeout(60_000);

let local: LocalHandle;
const kube = kubeOn(() => local);
const STUCK_POOL = "stuck-pool";

const claimOptions = (extra: Partial<ClaimOptions> = {}): ClaimOptions =>
  ({
    ...("template" in extra ? {} : { warmPool: "python-sandbox-warmpool" }),
    connection: { mode: "direct", routerUrl: local.routerUrl },
    ...extra,
  }) as ClaimOptions;

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) =>
  Effect.runPromise(effect.pipe(Effect.provide(KubeClient.layer(local.kubeconfigPath))));

/** The tag of the error a claim fails with (the scope closing deletes the claim). */
const claimFailure = (options: ClaimOptions) => run(Effect.scoped(Sandbox.claim(options)).pipe(Effect.flip));

beforeAll(async () => {
  local = await startLocalForTest();
  await createStuckPool(kube, STUCK_POOL);
});

afterAll(async () => {
  await local?.stop();
});

describe("Effect face", () => {
  test("every operation in one scope; the claim is deleted when the scope closes", async () => {
    const claimName = await run(
      Effect.scoped(
        Effect.gen(function* () {
          const sandbox = yield* Sandbox.claim(claimOptions());
          expect(yield* Effect.promise(() => claimNames(kube))).toContain(sandbox.claimName);

          const hello = yield* sandbox.run("echo 'Hello from Local!'");
          expect(hello).toEqual({ stdout: "Hello from Local!\n", stderr: "", exitCode: 0 });

          const events = Chunk.toReadonlyArray(
            yield* Stream.runCollect(sandbox.exec("sh -c 'echo out; echo err >&2; exit 5'")),
          );
          const joined = (type: "stdout" | "stderr") =>
            events.flatMap((e) => (e.type === type ? [text(e.data)] : [])).join("");
          expect(joined("stdout")).toBe("out\n");
          expect(joined("stderr")).toBe("err\n");
          expect(events.at(-1)).toEqual({ type: "exit", exitCode: 5 });

          yield* sandbox.files.write("dir/a.txt", "alpha");
          expect(text(yield* sandbox.files.read("dir/a.txt"))).toBe("alpha");
          expect((yield* sandbox.files.list("dir")).map((e) => e.name)).toEqual(["a.txt"]);
          expect(yield* sandbox.files.exists("dir/a.txt")).toBe(true);

          yield* sandbox.suspend();
          yield* sandbox.resume();
          expect(text(yield* sandbox.files.read("dir/a.txt"))).toBe("alpha");

          yield* sandbox.files.delete("dir", { recursive: true });
          expect(yield* sandbox.files.exists("dir/a.txt")).toBe(false);
          return sandbox.claimName;
        }),
      ),
    );
    await until("claim deleted with the scope", async () =>
      (await claimNames(kube)).includes(claimName) ? undefined : true,
    );
  });

  test("terminate deletes the claim before the scope ends", async () => {
    await run(
      Effect.scoped(
        Effect.gen(function* () {
          const sandbox = yield* Sandbox.claim(claimOptions({ template: "python-sandbox-template" }));
          expect((yield* sandbox.run("python3 -c 'print(1+1)'")).stdout).toBe("2\n");
          yield* sandbox.terminate();
          yield* Effect.promise(() => noClaimsLeft(kube));
        }),
      ),
    );
  });

  test("attach routes to an existing claim without owning it", async () => {
    await run(
      Effect.scoped(
        Effect.gen(function* () {
          const owner = yield* Sandbox.claim(claimOptions());
          yield* owner.files.write("shared.txt", "from owner");
          const attached = yield* Sandbox.attach({
            claimName: owner.claimName,
            connection: { mode: "direct", routerUrl: local.routerUrl },
          });
          expect(text(yield* attached.files.read("shared.txt"))).toBe("from owner");
        }),
      ),
    );
    await noClaimsLeft(kube);
  });

  test("interrupting the fiber while it waits for Ready deletes the claim", async () => {
    await run(
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          Effect.scoped(Sandbox.claim(claimOptions({ warmPool: STUCK_POOL }))),
        );
        yield* Effect.promise(() =>
          until("claim created", async () => ((await claimNames(kube)).length > 0 ? true : undefined)),
        );
        yield* Fiber.interrupt(fiber);
      }),
    );
    await noClaimsLeft(kube);
  });

  test("each claim error is a tagged error, and the failed claim is deleted", async () => {
    expect((await claimFailure(claimOptions({ template: "missing" })))._tag).toBe("TemplateNotFound");
    expect((await claimFailure(claimOptions({ warmPool: "missing" })))._tag).toBe("WarmPoolNotFound");
    const invalid = await claimFailure(claimOptions({ podLabels: { "example.com/team": "x" } }));
    expect(invalid._tag === "ClaimFailed" && invalid.reason).toBe("InvalidMetadata");
    const timeout = await claimFailure(claimOptions({ warmPool: STUCK_POOL, readyTimeout: 2 }));
    expect(timeout._tag).toBe("ClaimTimeout");
    await noClaimsLeft(kube);
  });

  test("call errors: SandboxRequestError with the status, InvalidPath without a request", async () => {
    const [missing, escaping] = await run(
      Effect.scoped(
        Effect.gen(function* () {
          const sandbox = yield* Sandbox.claim(claimOptions());
          return [
            yield* Effect.flip(sandbox.files.read("nothing-here.txt")),
            yield* Effect.flip(sandbox.files.write("../x", "x")),
          ] as const;
        }),
      ),
    );
    expect(missing._tag === "SandboxRequestError" && missing.status).toBe(404);
    expect(escaping._tag).toBe("InvalidPath");
  });

  test("no router configured is a ConnectionConfigError, before any claim is made", async () => {
    const saved = process.env.SANDBOX_ROUTER_URL;
    delete process.env.SANDBOX_ROUTER_URL;
    try {
      const error = await claimFailure({ warmPool: "python-sandbox-warmpool" });
      expect(error._tag).toBe("ConnectionConfigError");
      expect(await claimNames(kube)).toEqual([]);
    } finally {
      if (saved !== undefined) process.env.SANDBOX_ROUTER_URL = saved;
    }
  });
});
