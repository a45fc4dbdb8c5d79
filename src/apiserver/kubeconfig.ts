// The kubeconfig kubectl, client-node and the Python client load to reach this server.
import YAML from "yaml";

export interface KubeconfigInput {
  readonly url: string;
  readonly token: string;
  readonly caData?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly name?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");

export const renderKubeconfig = (k: KubeconfigInput): string => {
  const name = k.name ?? "agent-sandbox-local";
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: k.url,
          ...(k.caData ? { "certificate-authority-data": b64(k.caData) } : {}),
          // client-node refuses plain http unless told TLS verification is off; nothing is verified anyway.
          ...(k.url.startsWith("http:") ? { "insecure-skip-tls-verify": true } : {}),
        },
      },
    ],
    users: [
      {
        name,
        user: {
          token: k.token,
          ...(k.clientCert && k.clientKey
            ? { "client-certificate-data": b64(k.clientCert), "client-key-data": b64(k.clientKey) }
            : {}),
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
};
