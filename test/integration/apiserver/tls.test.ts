// HTTPS under Bun with client-node 1.4: CA data plus bearer token, and a client certificate on the
// certificate listener; the generated CA and token survive a restart on the same store.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { type ApiServerHandle, startApiServer } from "../../../src/apiserver/index";

let dir: string;
let server: ApiServerHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "apiserver-tls-"));
  server = await startApiServer({ port: 0, tls: true, storage: join(dir, "store.db") });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const clientFor = (cluster: k8s.Cluster, user: k8s.User): k8s.CoreV1Api => {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: "c", cluster: cluster.name, user: user.name }],
    currentContext: "c",
  });
  return kc.makeApiClient(k8s.CoreV1Api);
};

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("TLS", () => {
  test("CA data and bearer token", async () => {
    expect(server.url.startsWith("https://")).toBe(true);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "over-tls" } } });
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    expect(list.items.map((c) => c.metadata?.name)).toContain("over-tls");
  });

  test("client certificate on the certificate listener", async () => {
    expect(server.clientCertUrl).toBeString();
    const core = clientFor(
      { name: "cert", server: server.clientCertUrl!, caData: b64(server.caData!), skipTLSVerify: false },
      { name: "cert-user", certData: b64(server.clientCert!), keyData: b64(server.clientKey!) },
    );
    const ns = await core.listNamespace();
    expect(ns.items.length).toBeGreaterThanOrEqual(3);
  });

  test("missing or wrong credentials are refused", async () => {
    const noToken = await fetch(`${server.url}/api/v1/namespaces`, { tls: { ca: server.caData! } });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { reason: string }).reason).toBe("Unauthorized");
    const wrong = await fetch(`${server.url}/api/v1/namespaces`, {
      headers: { authorization: "Bearer nope" },
      tls: { ca: server.caData! },
    });
    expect(wrong.status).toBe(401);
    // Without a certificate the certificate listener refuses the handshake.
    const refused = await fetch(`${server.clientCertUrl}/api/v1/namespaces`, {
      tls: { ca: server.caData! },
    }).then(
      () => "answered",
      () => "refused",
    );
    expect(refused).toBe("refused");
    // An untrusted client (no CA) cannot verify the server.
    const untrusted = await fetch(`${server.url}/version`).then(
      () => "answered",
      () => "refused",
    );
    expect(untrusted).toBe("refused");
  });

  test("a restart on the same store keeps the CA, the token and the data", async () => {
    const before = { ca: server.caData, token: server.token, kubeconfig: server.kubeconfig };
    await server.stop();
    server = await startApiServer({ port: 0, tls: true, storage: join(dir, "store.db") });
    expect(server.caData).toBe(before.ca!);
    expect(server.token).toBe(before.token);
    const kc = new k8s.KubeConfig();
    // The old kubeconfig with the new address still verifies and authenticates.
    kc.loadFromString(before.kubeconfig.replace(/server: .*/, `server: ${server.url}`));
    const cm = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedConfigMap({ namespace: "default", name: "over-tls" });
    expect(cm.metadata?.name).toBe("over-tls");
  });
});
