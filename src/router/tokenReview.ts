// The Kubernetes TokenReview call (authentication.k8s.io/v1) behind an interface, so tests can point the
// router at any HTTP server that answers TokenReview. In a cluster, main.ts uses kubeTokenReviewClient
// (kubeFeed.ts), which goes through the router's KubeClient and its kubeconfig handling.
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
