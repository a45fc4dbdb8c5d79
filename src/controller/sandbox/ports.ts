// Service ports derived from the pod's container ports (§2.2 step 6): regular containers plus sidecars
// (init containers with restartPolicy Always), deduplicated by (port, protocol), sorted, named.
import type { PodSpec } from "../../api";

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: string;
}

export const servicePorts = (spec: PodSpec): ReadonlyArray<ServicePort> => {
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  const byKey = new Map<string, { port: number; protocol: string; name?: string }>();
  for (const container of [...spec.containers, ...sidecars]) {
    for (const p of container.ports ?? []) {
      const protocol = p.protocol ?? "TCP";
      const key = `${p.containerPort}/${protocol}`;
      const seen = byKey.get(key);
      if (seen === undefined)
        byKey.set(key, { port: p.containerPort, protocol, ...(p.name ? { name: p.name } : {}) });
      else if (seen.name === undefined && p.name) seen.name = p.name;
    }
  }
  const sorted = [...byKey.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  const used = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  };
  // Explicit names claim theirs first so a generated name never steals one.
  const explicit = new Set(sorted.flatMap((e) => (e.name ? [e.name] : [])));
  return sorted.map((e) => {
    const name =
      e.name !== undefined && !used.has(e.name)
        ? unique(e.name)
        : unique(avoid(`p-${e.port}-${e.protocol.toLowerCase()}`, explicit));
    return { name, port: e.port, targetPort: e.port, protocol: e.protocol };
  });
};

const avoid = (base: string, taken: ReadonlySet<string>): string => {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
};
