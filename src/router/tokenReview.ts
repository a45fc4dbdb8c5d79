// The Kubernetes TokenReview call (authentication.k8s.io/v1) behind an interface, so tests can point the
// router at any HTTP server that answers TokenReview and local mode at the embedded API server.
import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { Data } from "effect";

export interface TokenReviewClient {
  /** True when the API server authenticates the token. Rejects with TokenReviewError when it cannot say. */
  review(token: string): Promise<boolean>;
}

export class TokenReviewError extends Data.TaggedError("TokenReviewError")<{ readonly message: string }> {}

export interface HttpTokenReviewOptions {
  /** API server base URL, e.g. https://10.0.0.1:443. */
  readonly server: string;
  /** Credential of the router itself; read on every call so rotated service-account tokens are picked up. */
  readonly credential?: (() => string | undefined) | undefined;
  readonly audiences?: readonly string[] | undefined;
  readonly timeoutMs?: number | undefined;
  /** PEM CA bundle, client certificate and key for TLS to the API server. */
  readonly tls?: { ca?: string; cert?: string; key?: string; insecure?: boolean } | undefined;
}

export function httpTokenReviewClient(options: HttpTokenReviewOptions): TokenReviewClient {
  const url = `${options.server.replace(/\/+$/, "")}/apis/authentication.k8s.io/v1/tokenreviews`;
  const tls = options.tls
    ? {
        ...(options.tls.ca ? { ca: options.tls.ca } : {}),
        ...(options.tls.cert ? { cert: options.tls.cert } : {}),
        ...(options.tls.key ? { key: options.tls.key } : {}),
        rejectUnauthorized: !options.tls.insecure,
      }
    : undefined;
  return {
    async review(token) {
      const spec = options.audiences?.length ? { token, audiences: options.audiences } : { token };
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
      };
      const credential = options.credential?.();
      if (credential) headers.authorization = `Bearer ${credential}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
          ...(tls ? { tls } : {}),
        });
      } catch (e) {
        throw new TokenReviewError({ message: `TokenReview request failed: ${String(e)}` });
      }
      if (res.status !== 201 && res.status !== 200) {
        throw new TokenReviewError({
          message: `TokenReview returned HTTP ${res.status}: ${await res.text()}`,
        });
      }
      const body = (await res.json()) as { status?: { authenticated?: boolean } };
      return body.status?.authenticated === true;
    },
  };
}

/** A TokenReview client from a kubeconfig file, or the in-cluster service account when no path is given. */
export function tokenReviewClientFromKubeconfig(
  kubeconfigPath: string | undefined,
  audiences?: readonly string[],
): TokenReviewClient {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new TokenReviewError({ message: "kubeconfig has no current cluster" });
  const user = kc.getCurrentUser();
  const readMaybe = (path: string | undefined) => (path ? readFileSync(path, "utf8") : undefined);
  const decode = (data: string | undefined) =>
    data ? Buffer.from(data, "base64").toString("utf8") : undefined;
  const tokenFile = (user?.authProvider?.config?.tokenFile as string | undefined) ?? undefined;
  const tls: { ca?: string; cert?: string; key?: string; insecure?: boolean } = {};
  const ca = decode(cluster.caData) ?? readMaybe(cluster.caFile);
  if (ca) tls.ca = ca;
  const cert = decode(user?.certData) ?? readMaybe(user?.certFile);
  if (cert) tls.cert = cert;
  const key = decode(user?.keyData) ?? readMaybe(user?.keyFile);
  if (key) tls.key = key;
  if (cluster.skipTLSVerify) tls.insecure = true;
  return httpTokenReviewClient({
    server: cluster.server,
    credential: () => user?.token ?? (tokenFile ? readFileSync(tokenFile, "utf8").trim() : undefined),
    audiences,
    tls,
  });
}
