// The webhook's serving certificate: the files in --webhook-cert-dir, or a self-signed one made there with
// openssl for the webhook Service's DNS names (its PEM doubles as the CRDs' caBundle).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
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

export const loadOrCreateCert = async (
  dir: string,
  certName: string,
  keyName: string,
  dnsNames: ReadonlyArray<string>,
): Promise<ServingCert> => {
  const certPath = join(dir, certName);
  const keyPath = join(dir, keyName);
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true });
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
  }
  return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
};
