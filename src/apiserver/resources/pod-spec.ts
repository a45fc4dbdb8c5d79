// PodSpec defaults kube-apiserver applies to Pods and to the pod templates of workload kinds.
import { isPlainObject } from "../patch/merge";

const imagePullPolicy = (image: unknown): string => {
  const s = typeof image === "string" ? image : "";
  const tag = s.includes("@") ? "digest" : (s.split("/").pop() ?? "").split(":")[1];
  return tag === undefined || tag === "latest" ? "Always" : "IfNotPresent";
};

const defaultContainers = (list: unknown): unknown =>
  Array.isArray(list)
    ? list.map((c) =>
        isPlainObject(c)
          ? {
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              imagePullPolicy: imagePullPolicy(c.image),
              ...c,
              ...(Array.isArray(c.ports)
                ? { ports: c.ports.map((p) => (isPlainObject(p) ? { protocol: "TCP", ...p } : p)) }
                : {}),
            }
          : c,
      )
    : list;

/** The PodSpec defaults kube-apiserver fills in (Pods and the pod templates of workloads). */
export const defaultPodSpec = (spec: unknown): unknown => {
  if (!isPlainObject(spec)) return spec;
  return {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    schedulerName: "default-scheduler",
    securityContext: {},
    enableServiceLinks: true,
    ...spec,
    containers: defaultContainers(spec.containers),
    ...(spec.initContainers ? { initContainers: defaultContainers(spec.initContainers) } : {}),
  };
};
