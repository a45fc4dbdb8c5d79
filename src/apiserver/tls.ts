// Self-signed PKI for the HTTPS server: a CA, a serving certificate for localhost/127.0.0.1 (and the
// configured host), and a client certificate kubeconfigs can carry. Made with the openssl CLI.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

const run = async (dir: string, args: string[]): Promise<void> => {
  const proc = Bun.spawn(["openssl", ...args], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${await new Response(proc.stderr).text()}`);
};

const isIp = (host: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");

export const generatePki = async (host: string): Promise<Pki> => {
  const dir = await mkdtemp(join(tmpdir(), "apiserver-pki-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await run(dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "3650",
      "-subj",
      "/CN=agent-sandbox-local-ca",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    ]);
    const names = new Set([
      "DNS:localhost",
      "DNS:kubernetes",
      "DNS:kubernetes.default",
      "IP:127.0.0.1",
      "IP:::1",
    ]);
    if (host && host !== "0.0.0.0" && host !== "::") names.add(isIp(host) ? `IP:${host}` : `DNS:${host}`);
    await writeFile(
      join(dir, "server.ext"),
      `subjectAltName=${[...names].join(",")}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`,
    );
    await writeFile(
      join(dir, "client.ext"),
      "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n",
    );
    for (const [who, subj] of [
      ["server", "/CN=kube-apiserver"],
      ["client", "/O=system:masters/CN=agent-sandbox-admin"],
    ] as const) {
      await run(dir, ["req", ...ec, "-keyout", `${who}.key`, "-out", `${who}.csr`, "-subj", subj]);
      await run(dir, [
        "x509",
        "-req",
        "-in",
        `${who}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${who}.crt`,
        "-days",
        "3650",
        "-extfile",
        `${who}.ext`,
      ]);
    }
    const read = (f: string) => readFile(join(dir, f), "utf8");
    return {
      caCert: await read("ca.crt"),
      caKey: await read("ca.key"),
      serverCert: await read("server.crt"),
      serverKey: await read("server.key"),
      clientCert: await read("client.crt"),
      clientKey: await read("client.key"),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
