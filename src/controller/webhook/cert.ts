// The webhook's serving certificate: the files in --webhook-cert-dir, or a self-signed one made with
// openssl for the webhook Service's DNS names (its PEM doubles as the CRDs' caBundle).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ServingCert {
  readonly cert: string;
  readonly key: string;
}

export const dnsNamesFor = (service: string, namespace: string): string[] => [
  service,
  `${service}.${namespace}`,
  `${service}.${namespace}.svc`,
  `${service}.${namespace}.svc.cluster.local`,
  "localhost",
];

const writeSelfSigned = async (certPath: string, keyPath: string, dnsNames: ReadonlyArray<string>) => {
  const san = [...dnsNames.map((n) => `DNS:${n}`), "IP:127.0.0.1"].join(",");
  const proc = Bun.spawn(
    [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "3650",
      "-subj",
      `/CN=${dnsNames[0] ?? "webhook"}`,
      "-addext",
      `subjectAltName=${san}`,
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  if ((await proc.exited) !== 0)
    throw new Error(
      `openssl could not make the webhook certificate: ${await new Response(proc.stderr).text()}`,
    );
};

const readCert = (certPath: string, keyPath: string): ServingCert => ({
  cert: readFileSync(certPath, "utf8"),
  key: readFileSync(keyPath, "utf8"),
});

/** A fresh self-signed certificate, held in memory only. */
export const makeSelfSignedCert = async (dnsNames: ReadonlyArray<string>): Promise<ServingCert> => {
  const dir = await mkdtemp(join(tmpdir(), "webhook-cert-"));
  try {
    await writeSelfSigned(join(dir, "tls.crt"), join(dir, "tls.key"), dnsNames);
    return readCert(join(dir, "tls.crt"), join(dir, "tls.key"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** The certificate files in `dir`, if both are there. */
export const readCertDir = (dir: string, certName: string, keyName: string): ServingCert | undefined => {
  const certPath = join(dir, certName);
  const keyPath = join(dir, keyName);
  return existsSync(certPath) && existsSync(keyPath) ? readCert(certPath, keyPath) : undefined;
};

/** The certificate files in `dir`, made there (self-signed) when missing. */
export const loadOrCreateCert = async (
  dir: string,
  certName: string,
  keyName: string,
  dnsNames: ReadonlyArray<string>,
): Promise<ServingCert> => {
  const found = readCertDir(dir, certName, keyName);
  if (found !== undefined) return found;
  mkdirSync(dir, { recursive: true });
  await writeSelfSigned(join(dir, certName), join(dir, keyName), dnsNames);
  return readCert(join(dir, certName), join(dir, keyName));
};
