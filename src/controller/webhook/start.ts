// The conversion webhook as main.ts starts it: pick the serving certificate, serve /convert, and (when the
// certificates are managed) make the CRDs trust it.
import { Effect, type Scope } from "effect";
import type { KubeClient } from "../../kube";
import type { ControllerFlags } from "../flags";
import { dnsNamesFor, loadOrCreateCert, readCertDir } from "./cert";
import { patchCaBundles, serveWebhook } from "./server";
import { sharedServingCert } from "./shared-cert";

type WebhookFlags = NonNullable<ControllerFlags["webhook"]>;

/** Managed: files mounted in the cert dir win, otherwise the certificate all replicas share through a Secret. */
const servingCert = (w: WebhookFlags) => {
  const dnsNames = dnsNamesFor(w.serviceName, w.namespace);
  if (!w.manageCerts)
    return Effect.promise(() => loadOrCreateCert(w.certDir, w.certName, w.keyName, dnsNames));
  const mounted = readCertDir(w.certDir, w.certName, w.keyName);
  return mounted === undefined ? sharedServingCert(w.namespace, dnsNames) : Effect.succeed(mounted);
};

/** Serves the webhook in the current scope; yields the port it listens on. */
export const startWebhook = (w: WebhookFlags): Effect.Effect<number, Error, KubeClient | Scope.Scope> =>
  Effect.gen(function* () {
    const cert = yield* servingCert(w);
    const port = yield* serveWebhook({ host: "0.0.0.0", port: w.port }, cert);
    yield* Effect.logInfo(`conversion webhook listening on :${port}/convert`);
    if (w.manageCerts) yield* patchCaBundles(cert.cert);
    return port;
  });
