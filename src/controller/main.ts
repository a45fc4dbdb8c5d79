// agent-sandbox-controller: `bun run src/controller/main.ts [flags]` (upstream's flags, see flags.ts).
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { BunRuntime } from "@effect/platform-bun";
import { Effect, Either } from "effect";
import { CONTROLLER_NAMESPACE, DEFAULT_ALLOWED_LABEL_DOMAIN } from "../api";
import { KubeClient } from "../kube";
import { defaultControllerConfig } from "./config";
import { parseAllowedLabelDomains, parseFlags, usage } from "./flags";
import { runController } from "./manager";
import { startWebhook } from "./webhook/start";

const VERSION = "0.1.0";

const parsed = parseFlags(process.argv.slice(2));
if (Either.isLeft(parsed)) {
  console.error(`agent-sandbox-controller: ${parsed.left}`);
  process.exit(2);
}
const flags = parsed.right;
if (flags.help) {
  console.log(usage());
  process.exit(0);
}
if (flags.version) {
  console.log(`agent-sandbox-controller ${VERSION}`);
  process.exit(0);
}

const readOptional = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

const config = {
  ...defaultControllerConfig,
  clusterDomain: flags.clusterDomain,
  routerNamespace: flags.routerNamespace,
  dnsNameservers: flags.dnsNameservers,
  allowedLabelDomains: parseAllowedLabelDomains(readOptional(flags.allowedLabelDomainsFile), [
    DEFAULT_ALLOWED_LABEL_DOMAIN,
  ]),
  warmPoolMaxBatchSize: flags.warmPoolMaxBatchSize,
  warmPoolReadinessGraceMs: flags.warmPoolReadinessGraceMs,
  warmPoolUnschedulableRecheckMs: flags.warmPoolUnschedulableRecheckMs,
  enableWarmPoolEviction: flags.enableWarmPoolEviction,
  warmPoolReplenishDelayMs: flags.warmPoolReplenishDelayMs,
  warmPoolMaxRefillRate: flags.warmPoolMaxRefillRate,
};

const program = Effect.gen(function* () {
  if (flags.webhook !== undefined) yield* startWebhook(flags.webhook);
  const leaseNamespace =
    flags.leaderElectionNamespace ||
    readOptional("/var/run/secrets/kubernetes.io/serviceaccount/namespace")?.trim() ||
    CONTROLLER_NAMESPACE;
  return yield* runController({
    config,
    concurrency: flags.concurrency,
    extensions: flags.extensions,
    cacheLabelSelectors: flags.cacheLabelSelectors,
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
    ...(flags.metricsAddress ? { metricsAddress: flags.metricsAddress } : {}),
    ...(flags.probeAddress ? { probeAddress: flags.probeAddress } : {}),
    ...(flags.leaderElect
      ? { leaderElection: { namespace: leaseNamespace, identity: `${hostname()}_${crypto.randomUUID()}` } }
      : {}),
    onReady: () => Effect.runSync(Effect.logInfo("controller caches synced; reconciling")),
  });
});

const kube = flags.kubeconfig ? KubeClient.layer(flags.kubeconfig) : KubeClient.layerDefault();

// SIGINT/SIGTERM interrupt the program: the scope closes, workers stop, the lease is released.
BunRuntime.runMain(Effect.scoped(program).pipe(Effect.provide(kube)));
