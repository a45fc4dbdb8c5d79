// Cluster names inside pods: local mode keeps a hosts file that the node agent binds over /etc/hosts in
// bubblewrap pods, so `<svc>.<ns>.svc.cluster.local` (and `<svc>.<ns>.svc`, `<svc>.<ns>`) resolve there as
// cluster DNS would: a Service's ClusterIP, or the ready pods of a headless Service. A hosts file has no
// search path, so the single-label form is not in it.
import { readFileSync, writeFileSync } from "node:fs";
import { Duration, Effect, type Scope, Stream } from "effect";
import type { Informer } from "../kube/index";
import { type EndpointPod, isHeadless, readyEndpoints, type Service } from "./service-routing";

const MARK = "# Services of local mode (agent-sandbox), rewritten as they change";

/** The host's own entries, then one line per address with the Service names that resolve to it. */
export const renderHosts = (
  base: string,
  services: readonly Service[],
  pods: readonly EndpointPod[],
  clusterDomain = "cluster.local",
): string => {
  const lines: string[] = [];
  const sorted = [...services].sort((a, b) =>
    `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
      `${b.metadata?.namespace}/${b.metadata?.name}`,
    ),
  );
  for (const svc of sorted) {
    const name = svc.metadata?.name;
    const namespace = svc.metadata?.namespace;
    if (!name || !namespace) continue;
    const names = `${name}.${namespace}.svc.${clusterDomain} ${name}.${namespace}.svc ${name}.${namespace}`;
    const ips = isHeadless(svc)
      ? readyEndpoints(svc, pods).map((p) => p.status!.podIP!)
      : svc.spec?.clusterIP
        ? [svc.spec.clusterIP]
        : [];
    for (const ip of ips) lines.push(`${ip}\t${names}`);
  }
  const host = base.endsWith("\n") || base === "" ? base : `${base}\n`;
  return `${host}${MARK}\n${lines.map((l) => `${l}\n`).join("")}`;
};

/**
 * Writes the hosts file now and again after each change (coalesced), until the scope closes. Written in
 * place: bind mounts hold the file's inode, so a rename would leave running pods with the old file.
 */
export const runHostsFile = (
  path: string,
  services: Informer<Service>,
  pods: Informer<EndpointPod>,
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const base = (() => {
      try {
        return readFileSync("/etc/hosts", "utf8");
      } catch {
        return "127.0.0.1\tlocalhost\n";
      }
    })();
    let written = "";
    const write = Effect.sync(() => {
      const text = renderHosts(base, services.list(), pods.list());
      if (text !== written) writeFileSync(path, text);
      written = text;
    });
    yield* write;
    yield* Effect.all([services.waitForSync, pods.waitForSync], { discard: true });
    yield* write;
    yield* Stream.merge(services.changes, pods.changes).pipe(
      // Batches rather than a debounce, so a steady flow of pod updates cannot hold writes back.
      Stream.groupedWithin(1000, Duration.millis(50)),
      Stream.runForEach(() => write),
      Effect.forkScoped,
    );
  });
