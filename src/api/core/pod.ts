// core/v1 Pod as far as the controller and node agent read or write it. Every struct keeps the fields we
// do not model (openStruct), so a user's pod spec passes through decode/encode unchanged.
import { Schema } from "effect";
import {
  atomicArray,
  DateTime,
  Int32,
  Int64,
  IntOrString,
  openStruct,
  optional,
  QuantityMap,
  StringMap,
} from "../kubeSchema";
import { ObjectMeta } from "./meta";

export const EnvVar = openStruct({
  name: Schema.String,
  value: optional(Schema.String),
  valueFrom: optional(openStruct({})),
});
export type EnvVar = typeof EnvVar.Type;

export const EnvFromSource = openStruct({
  prefix: optional(Schema.String),
  configMapRef: optional(openStruct({ name: optional(Schema.String), optional: optional(Schema.Boolean) })),
  secretRef: optional(openStruct({ name: optional(Schema.String), optional: optional(Schema.Boolean) })),
});
export type EnvFromSource = typeof EnvFromSource.Type;

export const Protocol = Schema.String;

export const ContainerPort = openStruct({
  name: optional(Schema.String),
  containerPort: Int32,
  protocol: optional(Protocol),
  hostPort: optional(Int32),
  hostIP: optional(Schema.String),
});
export type ContainerPort = typeof ContainerPort.Type;

export const HTTPHeader = Schema.Struct({ name: Schema.String, value: Schema.String });

export const HTTPGetAction = openStruct({
  path: optional(Schema.String),
  port: IntOrString,
  host: optional(Schema.String),
  scheme: optional(Schema.String),
  httpHeaders: optional(Schema.Array(HTTPHeader)),
});
export type HTTPGetAction = typeof HTTPGetAction.Type;

export const TCPSocketAction = openStruct({ port: IntOrString, host: optional(Schema.String) });
export type TCPSocketAction = typeof TCPSocketAction.Type;

export const ExecAction = openStruct({ command: optional(Schema.Array(Schema.String)) });
export type ExecAction = typeof ExecAction.Type;

export const Probe = openStruct({
  exec: optional(ExecAction),
  httpGet: optional(HTTPGetAction),
  tcpSocket: optional(TCPSocketAction),
  initialDelaySeconds: optional(Int32),
  timeoutSeconds: optional(Int32),
  periodSeconds: optional(Int32),
  successThreshold: optional(Int32),
  failureThreshold: optional(Int32),
  terminationGracePeriodSeconds: optional(Int64),
});
export type Probe = typeof Probe.Type;

export const ResourceRequirements = openStruct({
  limits: optional(QuantityMap),
  requests: optional(QuantityMap),
});
export type ResourceRequirements = typeof ResourceRequirements.Type;

export const Capabilities = openStruct({
  add: optional(Schema.Array(Schema.String)),
  drop: optional(Schema.Array(Schema.String)),
});

export const SeccompProfile = openStruct({
  type: Schema.String,
  localhostProfile: optional(Schema.String),
});

export const SecurityContext = openStruct({
  runAsUser: optional(Int64),
  runAsGroup: optional(Int64),
  runAsNonRoot: optional(Schema.Boolean),
  privileged: optional(Schema.Boolean),
  allowPrivilegeEscalation: optional(Schema.Boolean),
  readOnlyRootFilesystem: optional(Schema.Boolean),
  capabilities: optional(Capabilities),
  seccompProfile: optional(SeccompProfile),
});
export type SecurityContext = typeof SecurityContext.Type;

export const PodSecurityContext = openStruct({
  runAsUser: optional(Int64),
  runAsGroup: optional(Int64),
  runAsNonRoot: optional(Schema.Boolean),
  fsGroup: optional(Int64),
  supplementalGroups: optional(Schema.Array(Int64)),
  seccompProfile: optional(SeccompProfile),
});
export type PodSecurityContext = typeof PodSecurityContext.Type;

export const VolumeMount = openStruct({
  name: Schema.String,
  mountPath: Schema.String,
  readOnly: optional(Schema.Boolean),
  subPath: optional(Schema.String),
});
export type VolumeMount = typeof VolumeMount.Type;

export const Container = openStruct({
  name: Schema.String,
  image: optional(Schema.String),
  imagePullPolicy: optional(Schema.String),
  command: optional(atomicArray(Schema.String)),
  args: optional(atomicArray(Schema.String)),
  workingDir: optional(Schema.String),
  env: optional(Schema.Array(EnvVar)),
  envFrom: optional(atomicArray(EnvFromSource)),
  ports: optional(Schema.Array(ContainerPort)),
  resources: optional(ResourceRequirements),
  readinessProbe: optional(Probe),
  livenessProbe: optional(Probe),
  startupProbe: optional(Probe),
  securityContext: optional(SecurityContext),
  volumeMounts: optional(Schema.Array(VolumeMount)),
});
export type Container = typeof Container.Type;

export const Volume = openStruct({
  name: Schema.String,
  emptyDir: optional(openStruct({ medium: optional(Schema.String), sizeLimit: optional(IntOrString) })),
  persistentVolumeClaim: optional(
    openStruct({ claimName: Schema.String, readOnly: optional(Schema.Boolean) }),
  ),
  configMap: optional(openStruct({ name: optional(Schema.String) })),
  secret: optional(openStruct({ secretName: optional(Schema.String) })),
  hostPath: optional(openStruct({ path: Schema.String, type: optional(Schema.String) })),
});
export type Volume = typeof Volume.Type;

export const PodDNSConfigOption = openStruct({
  name: optional(Schema.String),
  value: optional(Schema.String),
});

export const PodDNSConfig = openStruct({
  nameservers: optional(atomicArray(Schema.String)),
  searches: optional(atomicArray(Schema.String)),
  options: optional(atomicArray(PodDNSConfigOption)),
});
export type PodDNSConfig = typeof PodDNSConfig.Type;

export const RestartPolicy = Schema.String;
export const DNSPolicy = Schema.String;

export const PodSpec = openStruct({
  containers: Schema.Array(Container),
  initContainers: optional(Schema.Array(Container)),
  volumes: optional(Schema.Array(Volume)),
  restartPolicy: optional(RestartPolicy),
  nodeName: optional(Schema.String),
  automountServiceAccountToken: optional(Schema.Boolean),
  serviceAccountName: optional(Schema.String),
  dnsPolicy: optional(DNSPolicy),
  dnsConfig: optional(PodDNSConfig),
  runtimeClassName: optional(Schema.String),
  securityContext: optional(PodSecurityContext),
  terminationGracePeriodSeconds: optional(Int64),
  hostname: optional(Schema.String),
  subdomain: optional(Schema.String),
  nodeSelector: optional(StringMap),
});
export type PodSpec = typeof PodSpec.Type;

export const PodCondition = openStruct({
  type: Schema.String,
  status: Schema.String,
  reason: optional(Schema.String),
  message: optional(Schema.String),
  lastProbeTime: optional(Schema.NullOr(DateTime)),
  lastTransitionTime: optional(Schema.NullOr(DateTime)),
});
export type PodCondition = typeof PodCondition.Type;

export const ContainerStateRunning = openStruct({ startedAt: optional(DateTime) });
export const ContainerStateWaiting = openStruct({
  reason: optional(Schema.String),
  message: optional(Schema.String),
});
export const ContainerStateTerminated = openStruct({
  exitCode: Int32,
  signal: optional(Int32),
  reason: optional(Schema.String),
  message: optional(Schema.String),
  startedAt: optional(Schema.NullOr(DateTime)),
  finishedAt: optional(Schema.NullOr(DateTime)),
  containerID: optional(Schema.String),
});

export const ContainerState = openStruct({
  waiting: optional(ContainerStateWaiting),
  running: optional(ContainerStateRunning),
  terminated: optional(ContainerStateTerminated),
});
export type ContainerState = typeof ContainerState.Type;

export const ContainerStatus = openStruct({
  name: Schema.String,
  ready: Schema.Boolean,
  restartCount: Int32,
  image: Schema.String,
  imageID: Schema.String,
  containerID: optional(Schema.String),
  started: optional(Schema.Boolean),
  state: optional(ContainerState),
  lastState: optional(ContainerState),
});
export type ContainerStatus = typeof ContainerStatus.Type;

export const PodIP = openStruct({ ip: Schema.String });

export const PodPhase = Schema.Literal("Pending", "Running", "Succeeded", "Failed", "Unknown");
export type PodPhase = typeof PodPhase.Type;

export const PodStatus = openStruct({
  phase: optional(PodPhase),
  conditions: optional(Schema.Array(PodCondition)),
  message: optional(Schema.String),
  reason: optional(Schema.String),
  hostIP: optional(Schema.String),
  podIP: optional(Schema.String),
  podIPs: optional(Schema.Array(PodIP)),
  startTime: optional(DateTime),
  containerStatuses: optional(Schema.Array(ContainerStatus)),
  initContainerStatuses: optional(Schema.Array(ContainerStatus)),
});
export type PodStatus = typeof PodStatus.Type;

export const Pod = openStruct({
  apiVersion: Schema.Literal("v1"),
  kind: Schema.Literal("Pod"),
  metadata: ObjectMeta,
  spec: PodSpec,
  status: optional(PodStatus),
});
export type Pod = typeof Pod.Type;

/** Labels and annotations of a pod template (only these are used). */
export const PodMetadata = Schema.Struct({
  labels: optional(StringMap),
  annotations: optional(StringMap),
});
export type PodMetadata = typeof PodMetadata.Type;
