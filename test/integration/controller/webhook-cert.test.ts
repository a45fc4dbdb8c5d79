// Managed webhook certificates are shared by every controller replica through one Secret, so the caBundle
// the CRDs carry is trusted whichever replica the API server's conversion request reaches.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Exit, ManagedRuntime, Scope } from "effect";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver";
import { WEBHOOK_CERT_SECRET } from "../../../src/controller/webhook/shared-cert";
import { startWebhook } from "../../../src/controller/webhook/start";
import { KubeClient, refs } from "../../../src/kube";
import { installCrds, kubeLayer, type Obj } from "./harness";

const NAMESPACE = "agent-sandbox-system";

let api: ApiServerHandle;
let dir: string;
let runtime: ManagedRuntime.ManagedRuntime<KubeClient, unknown>;
let scope: Scope.CloseableScope;

const run = <A, E>(effect: Effect.Effect<A, E, KubeClient>) => runtime.runPromise(effect);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "webhook-cert-"));
  api = await startApiServer({ port: 0 });
  runtime = ManagedRuntime.make(kubeLayer(api));
  await installCrds(run);
  scope = await Effect.runPromise(Scope.make());
}, 30_000);

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void));
  await runtime?.dispose();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** One controller replica's webhook: its own (empty) cert dir, certificates managed. */
const replica = (name: string) =>
  run(
    startWebhook({
      port: 0,
      certDir: join(dir, name),
      certName: "tls.crt",
      keyName: "tls.key",
      serviceName: "agent-sandbox-webhook-service",
      namespace: NAMESPACE,
      manageCerts: true,
    }).pipe(Scope.extend(scope)),
  );

const getSecret = () =>
  run(
    Effect.flatMap(KubeClient, (k) => k.get<Obj>(refs.secret, WEBHOOK_CERT_SECRET, { namespace: NAMESPACE })),
  );

const caBundleOf = async (crd: string) => {
  const object = await run(Effect.flatMap(KubeClient, (k) => k.get<Obj>(refs.customResourceDefinition, crd)));
  return Buffer.from(object.spec.conversion.webhook.clientConfig.caBundle, "base64").toString("utf8");
};

test("two replicas starting together serve one certificate, the one every CRD trusts", async () => {
  const ports = await Promise.all([replica("a"), replica("b")]);

  const secret = await getSecret();
  expect(secret.type).toBe("kubernetes.io/tls");
  const cert = Buffer.from(secret.data["tls.crt"], "base64").toString("utf8");
  for (const crd of ["sandboxes.agents.x-k8s.io", "sandboxclaims.extensions.agents.x-k8s.io"])
    expect(await caBundleOf(crd)).toBe(cert);

  // A client trusting only the CRDs' caBundle reaches both replicas under the Service's name (localhost is
  // among the certificate's names so this test can dial it).
  const ca = await caBundleOf("sandboxes.agents.x-k8s.io");
  for (const port of ports) {
    const res = await fetch(`https://localhost:${port}/healthz`, { tls: { ca } });
    expect(await res.text()).toBe("ok");
  }

  // A later replica (a restart, a scale-up) reuses it rather than making another.
  await replica("c");
  expect((await getSecret()).data).toEqual(secret.data);
}, 60_000);

test("an empty Secret created ahead (as some installers do) is filled in", async () => {
  await run(
    Effect.flatMap(KubeClient, (k) =>
      k.delete(refs.secret, WEBHOOK_CERT_SECRET, { namespace: NAMESPACE }).pipe(
        Effect.zipRight(
          k.create(refs.secret, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: WEBHOOK_CERT_SECRET, namespace: NAMESPACE },
            type: "kubernetes.io/tls",
          }),
        ),
      ),
    ),
  );
  const port = await replica("d");
  const secret = await getSecret();
  const cert = Buffer.from(secret.data["tls.crt"], "base64").toString("utf8");
  expect(cert).toContain("BEGIN CERTIFICATE");
  expect(await caBundleOf("sandboxes.agents.x-k8s.io")).toBe(cert);
  const res = await fetch(`https://localhost:${port}/healthz`, { tls: { ca: cert } });
  expect(res.status).toBe(200);
}, 60_000);
