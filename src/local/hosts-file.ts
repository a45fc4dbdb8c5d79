// Cluster names inside pods: local mode keeps a hosts file per namespace that the node agent binds over
// /etc/hosts in that namespace's bubblewrap pods, so Service names resolve there as cluster DNS would resolve
// them for the pod: `<svc>.<ns>.svc.cluster.local`, `<svc>.<ns>.svc` and `<svc>.<ns>` for every Service, and
// the bare `<svc>` for the Services of the pod's own namespace (what the resolver's search path gives in a
// cluster); to a Service's ClusterIP, or to the ready pods of a headless Service.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Duration, Effect, type Scope, Stream } from "effect";
import type { Informer } from "../kube/index";
import { type EndpointPod, isHeadless, readyEndpoints, type Service } from "./service-routing";

const MARK = "# Services of local mode (agent-sandbox), rewritten as they change";

/**
 * The host's own entries, then one line per address with the Service names that resolve to it for a pod in
 * `namespace`.
 */
export const renderHosts = (
  base: string,
  services: readonly Service[],
  pods: readonly EndpointPod[],
  namespace: string,
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
    const ns = svc.metadata?.namespace;
    if (!name || !ns) continue;
    const names = `${name}.${ns}.svc.${clusterDomain} ${name}.${ns}.svc ${name}.${ns}${ns === namespace ? ` ${name}` : ""}`;
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

export interface HostsFiles {
  /** The hosts file for pods of `namespace`, written now if it is the namespace's first pod. */
  readonly pathFor: (namespace: string) => string;
}

/**
 * Keeps one hosts file per namespace that has pods, under `dir`: each written when first asked for and again
 * after each change (coalesced), and removed once the namespace has no pod left, until the scope closes.
 * Written in place: bind mounts hold the file's inode, so a rename would leave running pods with the old file.
 */
export const runHostsFiles = (
  dir: string,
  services: Informer<Service>,
  pods: Informer<EndpointPod>,
): Effect.Effect<HostsFiles, never, Scope.Scope> =>
  Effect.gen(function* () {
    const base = (() => {
      try {
        return readFileSync("/etc/hosts", "utf8");
      } catch {
        return "127.0.0.1\tlocalhost\n";
      }
    })();
    mkdirSync(dir, { recursive: true });
    /** namespace -> what its file holds now. */
    const written = new Map<string, string>();
    const write = (namespace: string) => {
      const text = renderHosts(base, services.list(), pods.list(), namespace);
      if (text !== written.get(namespace)) writeFileSync(join(dir, namespace), text);
      written.set(namespace, text);
    };
    const writeAll = Effect.sync(() => {
      for (const namespace of written.keys()) {
        // Its last pod gone, a namespace's file goes too (a running pod's bind mount keeps its own inode); a
        // later pod there asks for it again.
        if (pods.list(namespace).length > 0) write(namespace);
        else {
          rmSync(join(dir, namespace), { force: true });
          written.delete(namespace);
        }
      }
    });
    yield* Effect.all([services.waitForSync, pods.waitForSync], { discard: true });
    yield* Stream.merge(services.changes, pods.changes).pipe(
      // Batches rather than a debounce, so a steady flow of pod updates cannot hold writes back.
      Stream.groupedWithin(1000, Duration.millis(50)),
      Stream.runForEach(() => writeAll),
      Effect.forkScoped,
    );
    return {
      pathFor: (namespace) => {
        if (!written.has(namespace)) write(namespace);
        return join(dir, namespace);
      },
    };
  });
