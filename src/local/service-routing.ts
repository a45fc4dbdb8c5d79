// What cluster DNS and kube-proxy decide, as pure functions: which Service a host name means, which pods
// are its ready endpoints, and which port of a pod a Service port targets.
import { fromLabels, type KubeObject, matches } from "../kube/index";

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
}

export interface Service extends KubeObject {
  readonly spec?: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports?: readonly ServicePort[];
  };
}

export interface EndpointPod extends KubeObject {
  readonly spec?: {
    readonly containers?: ReadonlyArray<{
      readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort: number }>;
    }>;
  };
  readonly status?: {
    readonly podIP?: string;
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
  };
}

export interface ServiceName {
  readonly name: string;
  readonly namespace: string;
}

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The Service a host name means, as a pod's resolver finds it with the search path
 * `<ns>.svc.<domain> svc.<domain> <domain>`: `name`, `name.ns`, `name.ns.svc` and `name.ns.svc.<domain>`.
 * A single label is a Service in `namespace`. Undefined for anything else (IP addresses, other domains).
 */
export const parseServiceHost = (
  host: string,
  namespace: string,
  clusterDomain = "cluster.local",
): ServiceName | undefined => {
  const lower = host.toLowerCase().replace(/\.$/, "");
  const domain = `.svc.${clusterDomain.toLowerCase()}`;
  const full = lower.endsWith(domain);
  const labels = (full ? lower.slice(0, -domain.length) : lower).split(".");
  if (!labels.every((l) => LABEL.test(l))) return undefined;
  if (full) return labels.length === 2 ? { name: labels[0]!, namespace: labels[1]! } : undefined;
  if (labels.length === 3 && labels[2] === "svc") return { name: labels[0]!, namespace: labels[1]! };
  if (labels.length === 2) return { name: labels[0]!, namespace: labels[1]! };
  return labels.length === 1 ? { name: labels[0]!, namespace } : undefined;
};

export const isHeadless = (service: Service): boolean => service.spec?.clusterIP === "None";

/** Services kube-proxy forwards: a ClusterIP of their own and a selector that picks pods. */
export const isProxied = (service: Service): boolean =>
  service.spec?.clusterIP !== undefined &&
  service.spec.clusterIP !== "" &&
  !isHeadless(service) &&
  Object.keys(service.spec.selector ?? {}).length > 0;

export const isReady = (pod: EndpointPod): boolean =>
  pod.metadata?.deletionTimestamp === undefined &&
  pod.status?.podIP !== undefined &&
  pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

/** The Service's ready endpoints among `pods` (same namespace, selector matches, Ready, with an IP). */
export const readyEndpoints = (service: Service, pods: readonly EndpointPod[]): EndpointPod[] => {
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) return [];
  const requirements = fromLabels(selector);
  return pods.filter(
    (p) =>
      p.metadata?.namespace === service.metadata?.namespace &&
      matches(requirements, p.metadata?.labels) &&
      isReady(p),
  );
};

/** The pod port a Service port reaches: a number, a container port's name, or the Service port itself. */
export const targetPortOn = (port: ServicePort, pod: EndpointPod): number | undefined => {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? [])
    for (const p of container.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
};
