// The few API calls the soak run and fault tests make, as Promises over one KubeClient runtime.
import { Effect, ManagedRuntime } from "effect";
import { KubeClient, type KubeObject, refs } from "../../src/kube/index";

export interface ClaimView extends KubeObject {
  readonly status?: {
    readonly sandbox?: { readonly name?: string };
    readonly conditions?: ReadonlyArray<{ type: string; status: string; reason?: string }>;
  };
}

/** What the runs read of a Sandbox or pod: its name and (pods) phase. */
export interface ObjectView extends KubeObject {
  readonly status?: { readonly phase?: string };
}

export const kubeApi = (kubeconfigPath: string, namespace: string) => {
  const runtime = ManagedRuntime.make(KubeClient.layer(kubeconfigPath));
  const run = <A, E>(f: (k: typeof KubeClient.Service) => Effect.Effect<A, E>) =>
    runtime.runPromise(Effect.flatMap(KubeClient, f));
  const list = (ref: typeof refs.pod | typeof refs.sandbox | typeof refs.event) =>
    run((k) => k.list(ref, { namespace })).then((l) => l.items as ObjectView[]);
  const count = (ref: typeof refs.pod | typeof refs.sandbox | typeof refs.event) =>
    list(ref).then((items) => items.length);
  return {
    createClaim: (name: string, warmPool: string) =>
      run((k) =>
        k.create(refs.sandboxClaim, {
          apiVersion: "extensions.agents.x-k8s.io/v1beta1",
          kind: "SandboxClaim",
          metadata: { name, namespace },
          spec: { warmPoolRef: { name: warmPool } },
        }),
      ),
    getClaim: (name: string) =>
      run((k) =>
        k.get<ClaimView>(refs.sandboxClaim, name, { namespace }).pipe(
          Effect.map((c): ClaimView | undefined => c),
          Effect.catchTag("NotFound", () => Effect.succeed(undefined)),
        ),
      ),
    deleteClaim: (name: string) =>
      run((k) =>
        k.delete(refs.sandboxClaim, name, { namespace }).pipe(
          Effect.asVoid,
          Effect.catchTag("NotFound", () => Effect.void),
        ),
      ),
    listClaims: () => run((k) => k.list<ClaimView>(refs.sandboxClaim, { namespace })).then((l) => l.items),
    podIP: (name: string) =>
      run((k) => k.get<KubeObject & { status?: { podIP?: string } }>(refs.pod, name, { namespace })).then(
        (pod) => pod.status?.podIP,
      ),
    listSandboxes: () => list(refs.sandbox),
    listPods: () => list(refs.pod),
    countSandboxes: () => count(refs.sandbox),
    countPods: () => count(refs.pod),
    countEvents: () => count(refs.event),
    dispose: () => runtime.dispose(),
  };
};

export type KubeApi = ReturnType<typeof kubeApi>;

/** Polls `probe` until it yields a value or `seconds` pass (then undefined). */
export const poll = async <A>(probe: () => Promise<A | undefined>, seconds: number, everyMs = 100) => {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined || Date.now() > deadline) return value;
    await Bun.sleep(everyMs);
  }
};

/** Waits until the claim is bound and Ready; returns its sandbox name, or undefined on timeout. */
export const readySandbox = (kube: KubeApi, claim: string, seconds: number) =>
  poll(async () => {
    const c = await kube.getClaim(claim);
    const ready = c?.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True");
    return ready ? c?.status?.sandbox?.name : undefined;
  }, seconds);
