// Router CLI: flags and env with upstream's names; SIGTERM/SIGINT interrupt the program, whose scope
// drains and stops the router.
import { BunRuntime } from "@effect/platform-bun";
import { Console, Effect, Either } from "effect";
import { ConfigError, parseRouterConfig, type RouterCliConfig, USAGE } from "./config";
import { type AuthOptions, type RouterOptions, routerScoped } from "./index";
import { tokenReviewClientFromKubeconfig } from "./tokenReview";

function authOptions(config: RouterCliConfig): AuthOptions {
  if (config.authzMode === "static") return { mode: "static", token: config.authToken ?? "" };
  if (config.authzMode === "tokenreview") {
    return {
      mode: "tokenreview",
      client: tokenReviewClientFromKubeconfig(config.kubeconfig, config.tokenReviewAudiences),
      ttlMs: config.tokenReviewTtlMs,
      cacheSize: config.tokenReviewCacheSize,
    };
  }
  return { mode: "none" };
}

export function routerOptions(config: RouterCliConfig): RouterOptions {
  return {
    hostname: config.hostname,
    port: config.port,
    metricsPort: config.metricsPort,
    clusterDomain: config.clusterDomain,
    proxyTimeoutSeconds: config.proxyTimeoutSeconds,
    localPodCidrs: config.localPodCidrs,
    auth: authOptions(config),
    allowUnauthenticated: config.allowUnauthenticated,
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

const program = Effect.gen(function* () {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    yield* Console.log(USAGE);
    return;
  }
  const config = yield* Either.match(parseRouterConfig(args, process.env), {
    onLeft: (e) => Effect.fail(e),
    onRight: (c) => Effect.succeed(c),
  });
  const options = yield* Effect.try({
    try: () => routerOptions(config),
    catch: (e) => new ConfigError(String(e)),
  });
  const router = yield* routerScoped(options);
  yield* Console.log(
    JSON.stringify({
      msg: "sandbox router listening",
      url: router.url,
      metricsUrl: router.metricsUrl,
      authzMode: config.authzMode,
      proxyTimeoutSeconds: config.proxyTimeoutSeconds,
      clusterDomain: config.clusterDomain,
    }),
  );
  return yield* Effect.never;
}).pipe(
  Effect.scoped,
  Effect.catchAll((e) =>
    Console.error(`router: ${e instanceof Error || e instanceof ConfigError ? e.message : String(e)}`).pipe(
      Effect.zipRight(Effect.sync(() => process.exit(2))),
    ),
  ),
);

if (import.meta.main) BunRuntime.runMain(program);
