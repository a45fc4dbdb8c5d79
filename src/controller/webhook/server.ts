// The conversion webhook over HTTPS, and the caBundle patch that makes the API server trust it.
import { Effect, Either, type Scope } from "effect";
import { RESOURCES } from "../../api";
import { KubeClient, refs } from "../../kube";
import type { Address } from "../http";
import type { ServingCert } from "./cert";
import { reviewConversion } from "./review";

export const serveWebhook = (
  address: Address,
  cert: ServingCert,
): Effect.Effect<number, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() =>
      Bun.serve({
        hostname: address.host,
        port: address.port,
        tls: { cert: cert.cert, key: cert.key },
        fetch: async (req) => {
          const path = new URL(req.url).pathname;
          if (path === "/healthz") return new Response("ok");
          if (path !== "/convert") return new Response("not found\n", { status: 404 });
          if (req.method !== "POST") return new Response("POST a ConversionReview\n", { status: 405 });
          let body: unknown;
          try {
            body = await req.json();
          } catch {
            return new Response("request body is not JSON\n", { status: 400 });
          }
          const review = reviewConversion(body);
          return Either.isLeft(review)
            ? new Response(`${review.left}\n`, { status: 400 })
            : Response.json(review.right);
        },
      }),
    ),
    (server) => Effect.promise(() => server.stop(true)),
  ).pipe(Effect.map((server) => server.port ?? address.port));

/** Points our CRDs' conversion webhook at the given CA (upstream's --manage-webhook-certs). */
export const patchCaBundles = (caPem: string): Effect.Effect<void, never, KubeClient> =>
  Effect.gen(function* () {
    const client = yield* KubeClient;
    const caBundle = Buffer.from(caPem).toString("base64");
    yield* Effect.forEach(
      RESOURCES,
      (r) =>
        client
          .patch(refs.customResourceDefinition, `${r.plural}.${r.group}`, {
            type: "merge",
            body: { spec: { conversion: { webhook: { clientConfig: { caBundle } } } } },
          })
          .pipe(
            Effect.catchAll((e) =>
              Effect.logWarning(`could not patch caBundle of ${r.plural}.${r.group}`, e),
            ),
          ),
      { discard: true },
    );
  });
