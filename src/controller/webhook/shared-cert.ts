// With --manage-webhook-certs, every controller replica serves the same certificate, kept in one Secret:
// the first replica to start makes it, the others read it. Per-replica certificates would leave the CRDs'
// caBundle matching only the last replica to start, and the API server's conversions to the others failing.
import { Effect } from "effect";
import { KubeClient, type KubeObject, refs } from "../../kube";
import { makeSelfSignedCert, type ServingCert } from "./cert";

export const WEBHOOK_CERT_SECRET = "agent-sandbox-webhook-certs";

interface TlsSecret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

const fromBase64 = (s: string | undefined) => (s ? Buffer.from(s, "base64").toString("utf8") : "");

/** The certificate a Secret holds, if it holds a whole one (a pre-created empty Secret does not). */
export const certOfSecret = (secret: TlsSecret | undefined): ServingCert | undefined => {
  const cert = fromBase64(secret?.data?.["tls.crt"]);
  const key = fromBase64(secret?.data?.["tls.key"]);
  return cert.includes("BEGIN CERTIFICATE") && key.includes("PRIVATE KEY") ? { cert, key } : undefined;
};

const secretOf = (namespace: string, cert: ServingCert, previous?: TlsSecret): TlsSecret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { ...previous?.metadata, name: WEBHOOK_CERT_SECRET, namespace },
  type: "kubernetes.io/tls",
  data: {
    "tls.crt": Buffer.from(cert.cert).toString("base64"),
    "tls.key": Buffer.from(cert.key).toString("base64"),
  },
});

/** Replicas racing to write the Secret: the loser reads the winner's certificate on its next round. */
const MAX_ROUNDS = 5;

export const sharedServingCert = (
  namespace: string,
  dnsNames: ReadonlyArray<string>,
): Effect.Effect<ServingCert, Error, KubeClient> =>
  Effect.gen(function* () {
    const kube = yield* KubeClient;
    const read = kube
      .get<TlsSecret>(refs.secret, WEBHOOK_CERT_SECRET, { namespace })
      .pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const existing = yield* read;
      const found = certOfSecret(existing);
      if (found !== undefined) return found;
      const made = yield* Effect.promise(() => makeSelfSignedCert(dnsNames));
      const written = yield* (
        existing === undefined
          ? kube.create(refs.secret, secretOf(namespace, made))
          : kube.replace(refs.secret, secretOf(namespace, made, existing))
      ).pipe(
        Effect.as(true),
        Effect.catchTags({
          AlreadyExists: () => Effect.succeed(false),
          Conflict: () => Effect.succeed(false),
        }),
      );
      if (written) return made;
    }
    return yield* Effect.fail(
      new Error(`could not settle the webhook certificate Secret ${namespace}/${WEBHOOK_CERT_SECRET}`),
    );
  });
