// The SDK may run under Node, whose fetch has no per-request TLS options: the client must still talk HTTPS
// with a private CA there. Bundles a small program for Node and runs it against the embedded API server.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiServerHandle } from "../../../src/apiserver/index";
import { generatePki } from "../../../src/apiserver/tls";
import { runProcess } from "../../support/process";
import { serveMutualTls, startServer } from "./support";

// Real servers on a shared, noisy machine: generous bounds (never asserted as durations).
setDefaultTimeout(120_000);

let server: ApiServerHandle;
let dir: string;
let bundle: string;
beforeAll(async () => {
  server = await startServer({ tls: true });
  dir = await mkdtemp(join(tmpdir(), "kube-node-"));
  const built = await Bun.build({
    entrypoints: [join(import.meta.dir, "node-entry.ts")],
    target: "node",
    format: "esm",
    outdir: dir,
  });
  if (!built.success) throw new Error(built.logs.map(String).join("\n"));
  bundle = built.outputs[0]?.path ?? "";
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const runNode = async (connection: object) => {
  const { stdout, stderr, code } = await runProcess(["node", bundle], {
    env: { ...process.env, KUBE_TEST_CONNECTION: JSON.stringify(connection) },
  });
  return { out: stdout, err: stderr, code };
};

test("under Node: HTTPS with a CA and a token, CRUD, a watch and a tagged error", async () => {
  const { out, err, code } = await runNode({ url: server.url, token: server.token, caData: server.caData });
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(JSON.parse(out)).toMatchObject({
    runtime: "node",
    watched: 1,
    missing: "NotFound",
    refused: "Conflict",
  });
  expect(JSON.parse(out).namespaces).toContain("default");
});

test("under Node: client certificates are presented", async () => {
  const pki = await generatePki("127.0.0.1");
  // Answers with a Status whose message proves the handshake got through.
  const mtls = serveMutualTls(pki, () =>
    Response.json(
      { kind: "Status", code: 418, reason: "Teapot", message: "client certificate accepted" },
      { status: 418 },
    ),
  );
  try {
    const url = `https://127.0.0.1:${mtls.port}`;
    const withCert = await runNode({
      url,
      caData: pki.caCert,
      clientCert: pki.clientCert,
      clientKey: pki.clientKey,
    });
    expect(withCert.err).toContain("client certificate accepted");
    const without = await runNode({ url, caData: pki.caCert });
    expect(without.code).toBe(1);
    expect(without.err).not.toContain("client certificate accepted");
  } finally {
    await mtls.stop(true);
  }
});

test("under Node: a server certificate from an unknown CA is refused", async () => {
  const { err, code } = await runNode({ url: server.url, token: server.token });
  expect(code).toBe(1);
  expect(err).toContain("KubeError");
});
