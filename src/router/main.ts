// Router CLI: flags and env with upstream's names; SIGTERM/SIGINT interrupt the program, whose scope
// drains and stops the router.
import { BunRuntime } from "@effect/platform-bun";
import { Console, Effect, Either } from "effect";
import { KubeClient, type KubeClientApi } from "../kube";
import { ConfigError, parseRouterConfig, type RouterCliConfig, USAGE } from "./config";
import { type AuthOptions, type RouterOptions, routerScoped } from "./index";
import { feedSandboxIndex, kubeTokenReviewClient } from "./kubeFeed";
import { SandboxIndex } from "./sandboxIndex";

function authOptions(config: RouterCliConfig, kube: KubeClientApi | undefined): AuthOptions {
  if (config.authzMode === "static") return { mode: "static", token: config.authToken ?? "" };
  if (config.authzMode === "tokenreview" && kube !== undefined) {
    return {
      mode: "tokenreview",
      client: kubeTokenReviewClient(kube, config.tokenReviewAudiences),
      ttlMs: config.tokenReviewTtlMs,
      cacheSize: config.tokenReviewCacheSize,
    };
  }
  return { mode: "none" };
}

export function routerOptions(
  config: RouterCliConfig,
  kube?: KubeClientApi,
  index?: SandboxIndex,
): RouterOptions {
  return {
    hostname: config.hostname,
    port: config.port,
    metricsPort: config.metricsPort,
    clusterDomain: config.clusterDomain,
    proxyTimeoutSeconds: config.proxyTimeoutSeconds,
    localPodCidrs: config.localPodCidrs,
    auth: authOptions(config, kube),
    allowUnauthenticated: config.allowUnauthenticated,
    ...(index !== undefined ? { index } : {}),
    retry: { maxRetries: config.upstreamMaxRetries },
    websocket: {
      idleTimeoutMs: config.wsIdleTimeoutMs,
      maxLifetimeMs: config.wsMaxLifetimeMs,
      maxMessageBytes: config.wsMaxMessageBytes,
      maxConnectionsPerClient: config.wsMaxConnectionsPerClient,
    },
    accessLogSampleRate: config.accessLogSampleRate,
    drainTimeoutMs: config.shutdownTimeoutMs,
  };
}

const serve = (config: RouterCliConfig, kube: KubeClientApi | undefined) =>
  Effect.gen(function* () {
    let index: SandboxIndex | undefined;
    if (config.cacheEnabled && kube !== undefined) {
      index = new SandboxIndex();
      const feed = feedSandboxIndex(
        index,
        config.cacheNamespace === undefined ? {} : { namespace: config.cacheNamespace },
      );
      yield* Effect.provideService(feed, KubeClient, kube);
    }
    const router = yield* routerScoped(routerOptions(config, kube, index));
    yield* Console.log(
      JSON.stringify({
        msg: "sandbox router listening",
        url: router.url,
        metricsUrl: router.metricsUrl,
        authzMode: config.authzMode,
        cacheEnabled: config.cacheEnabled,
        proxyTimeoutSeconds: config.proxyTimeoutSeconds,
        clusterDomain: config.clusterDomain,
      }),
    );
    return yield* Effect.never;
  });

/** The router CLI (also run by local mode's router image entrypoint, `src/node/router-entrypoint.ts`). */
export const program = Effect.gen(function* () {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    yield* Console.log(USAGE);
    return;
  }
  const config = yield* Either.match(parseRouterConfig(args, process.env), {
    onLeft: (e) => Effect.fail(e),
    onRight: (c) => Effect.succeed(c),
  });
  if (!config.cacheEnabled && config.authzMode !== "tokenreview") return yield* serve(config, undefined);
  const layer = config.kubeconfig ? KubeClient.layer(config.kubeconfig) : KubeClient.layerDefault();
  return yield* Effect.flatMap(KubeClient, (kube) => serve(config, kube)).pipe(Effect.provide(layer));
}).pipe(
  Effect.scoped,
  Effect.catchAll((e) =>
    Console.error(
      `router: ${e instanceof Error || e instanceof ConfigError ? e.message : messageOf(e)}`,
    ).pipe(Effect.zipRight(Effect.sync(() => process.exit(2)))),
  ),
);

function messageOf(e: unknown): string {
  if (typeof e === "object" && e !== null && "message" in e)
    return String((e as { message: unknown }).message);
  return String(e);
}

if (import.meta.main) BunRuntime.runMain(program);
