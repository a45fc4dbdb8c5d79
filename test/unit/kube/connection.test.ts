import { describe, expect, test } from "bun:test";
import { KubeConfig } from "@kubernetes/client-node";
import { Effect } from "effect";
import { kubeConfigFromDirect, loadKubeConfig, resolveConnection } from "../../../src/kube/connection";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const resolve = (kc: KubeConfig) => Effect.runPromise(resolveConnection(kc));

const fromYaml = (yaml: string) => {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
};

describe("connection details", () => {
  test("direct details: token header, CA as PEM whether given as PEM or base64", async () => {
    for (const caData of [PEM, Buffer.from(PEM).toString("base64")]) {
      const conn = await resolve(kubeConfigFromDirect({ url: "https://h:6443/", token: "t", caData }));
      expect(conn.server).toBe("https://h:6443");
      const creds = await conn.credentials();
      expect(creds.headers.Authorization).toBe("Bearer t");
      expect(creds.tls?.ca).toBe(PEM);
      expect(creds.tls?.rejectUnauthorized).toBeUndefined();
    }
  });

  test("client certificate, key and skip-verify reach the TLS settings", async () => {
    const conn = await resolve(
      kubeConfigFromDirect({
        url: "https://h",
        clientCert: PEM,
        clientKey: "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n",
        insecureSkipTLSVerify: true,
        tlsServerName: "kubernetes",
      }),
    );
    const creds = await conn.credentials();
    expect(creds.headers.Authorization).toBeUndefined();
    expect(creds.tls).toMatchObject({ cert: PEM, rejectUnauthorized: false, serverName: "kubernetes" });
    expect(creds.tls?.key).toContain("PRIVATE KEY");
  });

  test("plain HTTP servers get no TLS settings but keep their token", async () => {
    const conn = await resolve(kubeConfigFromDirect({ url: "http://127.0.0.1:8080", token: "t" }));
    const creds = await conn.credentials();
    expect(creds.tls).toBeUndefined();
    expect(creds.headers.Authorization).toBe("Bearer t");
  });

  test("a kubeconfig's proxy-url and basic auth", async () => {
    const conn = await resolve(
      fromYaml(`
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://h", proxy-url: "http://proxy:3128"}
users:
- name: u
  user: {username: admin, password: secret}
contexts:
- name: x
  context: {cluster: c, user: u, namespace: team}
current-context: x
`),
    );
    expect(conn.proxy).toBe("http://proxy:3128");
    const creds = await conn.credentials();
    expect(creds.headers.Authorization).toBe(`Basic ${Buffer.from("admin:secret").toString("base64")}`);
  });

  test("a SOCKS proxy is refused rather than bypassed", async () => {
    const kc = kubeConfigFromDirect({ url: "https://h" });
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("no cluster");
    kc.loadFromClusterAndUser({ ...cluster, proxyUrl: "socks5://p:1080" }, { name: "u" });
    const e = await Effect.runPromise(Effect.flip(resolveConnection(kc)));
    expect(e.message).toContain("SOCKS");
  });

  test("a kubeconfig without a current cluster is a KubeConfigError", async () => {
    const e = await Effect.runPromise(Effect.flip(resolveConnection(new KubeConfig())));
    expect(e._tag).toBe("KubeConfigError");
  });

  test("an unreadable kubeconfig file is a KubeConfigError, not a throw", async () => {
    const e = await Effect.runPromise(Effect.flip(loadKubeConfig("/definitely/not/here")));
    expect(e._tag).toBe("KubeConfigError");
    expect(e.message).toContain("cannot load kubeconfig");
  });
});
