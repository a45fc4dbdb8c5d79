// DESIGN.md: client-node 2.x loses kubeconfig TLS settings under Bun. These tests keep us honest: real HTTPS
// with a private CA, bearer tokens, and client certificates, all through KubeClient under Bun.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { generatePki, type Pki } from "../../../src/apiserver/tls";
import { KubeClient } from "../../../src/kube/client";
import { refs } from "../../../src/kube/resources";
import { runWith, serveMutualTls, startServer } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(60_000);

const listNamespaces = Effect.flatMap(KubeClient, (c) => c.list(refs.namespace)).pipe(
  Effect.map((l) => l.items.map((n) => n.metadata?.name)),
);

let server: ApiServerHandle;
let dir: string;
let otherPki: Pki;
beforeAll(async () => {
  server = await startServer({ tls: true });
  dir = await mkdtemp(join(tmpdir(), "kube-tls-"));
  otherPki = await generatePki("127.0.0.1");
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("HTTPS to the embedded API server", () => {
  test("CA data and a bearer token", async () => {
    expect(server.url.startsWith("https://")).toBe(true);
    const names = await runWith(
      { url: server.url, token: server.token, caData: server.caData ?? "" },
      listNamespaces,
    );
    expect(names).toContain("default");
  });

  test("the CA given base64-encoded, as kubeconfigs carry it", async () => {
    const caData = Buffer.from(server.caData ?? "").toString("base64");
    expect(await runWith({ url: server.url, token: server.token, caData }, listNamespaces)).toContain(
      "default",
    );
  });

  test("a kubeconfig file", async () => {
    const path = join(dir, "kubeconfig");
    await writeFile(path, server.kubeconfig);
    expect(await runWith(path, listNamespaces)).toContain("kube-system");
  });

  test("insecureSkipTLSVerify without a CA", async () => {
    const names = await runWith(
      { url: server.url, token: server.token, insecureSkipTLSVerify: true },
      listNamespaces,
    );
    expect(names).toContain("default");
  });

  test("a certificate from another CA is refused, as a non-retryable KubeError", async () => {
    const e = await runWith(
      { url: server.url, token: server.token, caData: otherPki.caCert },
      Effect.flip(listNamespaces),
    );
    expect(e._tag).toBe("KubeError");
  });
});

describe("client certificates", () => {
  let mtls: ReturnType<typeof serveMutualTls>;
  let pki: Pki;
  beforeAll(async () => {
    pki = await generatePki("127.0.0.1");
    mtls = serveMutualTls(pki, () =>
      Response.json({
        kind: "NamespaceList",
        apiVersion: "v1",
        metadata: {},
        items: [{ metadata: { name: "mtls" } }],
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await mtls?.stop(true);
  });

  test("the client certificate and key are presented", async () => {
    const names = await runWith(
      {
        url: `https://127.0.0.1:${mtls.port}`,
        caData: pki.caCert,
        clientCert: pki.clientCert,
        clientKey: pki.clientKey,
      },
      listNamespaces,
    );
    expect(names).toEqual(["mtls"]);
  });

  test("from a kubeconfig with client-certificate-data", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const path = join(dir, "mtls-kubeconfig");
    await writeFile(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: c\n  cluster:\n    server: https://127.0.0.1:${mtls.port}\n    certificate-authority-data: ${b64(pki.caCert)}`,
        "users:",
        `- name: u\n  user:\n    client-certificate-data: ${b64(pki.clientCert)}\n    client-key-data: ${b64(pki.clientKey)}`,
        "contexts:",
        "- name: x\n  context:\n    cluster: c\n    user: u",
        "current-context: x",
      ].join("\n"),
    );
    expect(await runWith(path, listNamespaces)).toEqual(["mtls"]);
  });

  test("without a client certificate the server refuses the connection", async () => {
    const e = await runWith(
      { url: `https://127.0.0.1:${mtls.port}`, caData: pki.caCert },
      Effect.flip(listNamespaces),
    );
    expect(["Unavailable", "KubeError"]).toContain(e._tag);
  });
});
