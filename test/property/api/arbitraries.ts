// fast-check arbitraries for valid objects of the four kinds in both versions. They mirror the Schemas in
// src/api field by field, add unknown fields where the pod spec keeps them, and draw names from small pools
// so the conversion rules that compare names (claim vs sandbox vs pool) are exercised.
import fc from "fast-check";

type Obj = Record<string, unknown>;

const dnsName = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
const shortText = fc.string({ maxLength: 12 });
const dateTime = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z"));
const labelKey = fc.stringMatching(/^([a-z]{1,5}\.io\/)?[a-z]{1,6}$/);
const stringMap = fc.dictionary(labelKey, shortText, { maxKeys: 3 });
const quantity = fc.oneof(fc.nat({ max: 4096 }), fc.stringMatching(/^[1-9][0-9]{0,3}(Mi|Gi|m)?$/));
const intOrString = fc.oneof(fc.integer({ min: 1, max: 65535 }), dnsName);
const nonNegative = fc.nat({ max: 1000 });

/** Fields no schema models; kept through decode/encode where the pod spec is open. */
const extras = fc.dictionary(
  fc.stringMatching(/^x[A-Za-z]{1,5}$/),
  fc.oneof(shortText, fc.integer(), fc.boolean()),
  {
    maxKeys: 2,
  },
);

const record = <T extends Record<string, fc.Arbitrary<unknown>>>(
  model: T,
  requiredKeys: Array<keyof T & string>,
) => fc.record(model, { requiredKeys }) as fc.Arbitrary<Obj>;

/** A record of modelled fields plus unknown ones (modelled fields win on a clash). */
const open = <T extends Record<string, fc.Arbitrary<unknown>>>(
  model: T,
  requiredKeys: Array<keyof T & string>,
) => fc.tuple(extras, record(model, requiredKeys)).map(([extra, known]) => ({ ...extra, ...known }));

const metadata = (name: fc.Arbitrary<string> = dnsName) =>
  open(
    {
      name,
      namespace: dnsName,
      uid: fc.uuid(),
      resourceVersion: fc.nat().map(String),
      generation: fc.integer({ min: 1, max: 100 }),
      creationTimestamp: dateTime,
      labels: stringMap,
      annotations: stringMap,
    },
    ["name"],
  );

const probe = open(
  {
    httpGet: open({ path: fc.constantFrom("/", "/healthz"), port: intOrString }, ["port"]),
    periodSeconds: fc.integer({ min: 1, max: 10 }),
    failureThreshold: fc.integer({ min: 1, max: 5 }),
  },
  [],
);

const container = open(
  {
    name: dnsName,
    image: fc.constantFrom("busybox", "python:3.12-slim", "ghcr.io/example/agent:1.0"),
    command: fc.array(shortText, { maxLength: 3 }),
    args: fc.array(shortText, { maxLength: 3 }),
    workingDir: fc.constantFrom("/app", "/workspace"),
    env: fc.array(open({ name: dnsName, value: shortText }, ["name"]), { maxLength: 2 }),
    ports: fc.array(
      open({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom("TCP", "UDP") }, [
        "containerPort",
      ]),
      { maxLength: 2 },
    ),
    resources: open({ requests: fc.dictionary(fc.constantFrom("cpu", "memory"), quantity) }, []),
    readinessProbe: probe,
    securityContext: open(
      {
        runAsNonRoot: fc.boolean(),
        allowPrivilegeEscalation: fc.boolean(),
        capabilities: open({ drop: fc.constant("ALL").map((v) => [v]) }, []),
      },
      [],
    ),
    volumeMounts: fc.array(
      open({ name: dnsName, mountPath: fc.constantFrom("/data", "/tmp") }, ["name", "mountPath"]),
      {
        maxLength: 1,
      },
    ),
  },
  ["name"],
);

const podSpec = open(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    restartPolicy: fc.constantFrom("Always", "OnFailure", "Never"),
    automountServiceAccountToken: fc.boolean(),
    dnsPolicy: fc.constantFrom("None", "ClusterFirst"),
    dnsConfig: open({ nameservers: fc.constant("8.8.8.8").map((v) => [v, "1.1.1.1"]) }, []),
    runtimeClassName: fc.constantFrom("gvisor", "kata"),
    nodeName: dnsName,
    terminationGracePeriodSeconds: nonNegative,
    volumes: fc.array(open({ name: dnsName, emptyDir: open({}, []) }, ["name"]), { maxLength: 1 }),
  },
  ["containers"],
);

const podTemplate = record(
  { metadata: record({ labels: stringMap, annotations: stringMap }, []), spec: podSpec },
  ["spec"],
);

const volumeClaimTemplate = record(
  {
    metadata: record({ name: dnsName, labels: stringMap, annotations: stringMap }, []),
    spec: open(
      {
        accessModes: fc.constant("ReadWriteOnce").map((v) => [v]),
        resources: open({ requests: fc.dictionary(fc.constant("storage"), quantity) }, []),
        storageClassName: dnsName,
      },
      [],
    ),
  },
  ["spec"],
);
const volumeClaimTemplates = fc.array(volumeClaimTemplate, { maxLength: 2 });

const condition = record(
  {
    type: fc.constantFrom("Ready", "Suspended", "Finished", "PodScheduled"),
    status: fc.constantFrom("True", "False", "Unknown"),
    reason: fc.constantFrom("DependenciesReady", "DependenciesNotReady", "SandboxSuspended", "ClaimExpired"),
    message: shortText,
    lastTransitionTime: dateTime,
    observedGeneration: nonNegative,
  },
  ["type", "status", "reason", "message", "lastTransitionTime"],
);
const conditions = fc.array(condition, { maxLength: 3 });
const podIPs = fc.array(fc.ipV4(), { maxLength: 2 });

const labelSelector = record({ matchLabels: stringMap }, []);
const networkPolicy = record(
  {
    ingress: fc.array(
      record(
        {
          from: fc.array(record({ podSelector: labelSelector, namespaceSelector: labelSelector }, []), {
            maxLength: 2,
          }),
          ports: fc.array(record({ protocol: fc.constant("TCP"), port: intOrString }, []), { maxLength: 1 }),
        },
        [],
      ),
      { maxLength: 2 },
    ),
    egress: fc.array(
      record(
        {
          to: fc.array(record({ ipBlock: record({ cidr: fc.constant("0.0.0.0/0") }, ["cidr"]) }, []), {
            maxLength: 1,
          }),
        },
        [],
      ),
      { maxLength: 1 },
    ),
  },
  [],
);

const shutdownPolicy = fc.constantFrom("Delete", "Retain");
const templateRef = (names: fc.Arbitrary<string>) => record({ name: names }, ["name"]);

// Name pools: claims, sandboxes and pools share names often enough to hit every claim conversion branch.
const claimName = fc.constantFrom("c1", "claim-a");
const sandboxName = fc.constantFrom("c1", "claim-a", "pool-x1", "pool-a-b", "nosuffix");
const templateName = fc.constantFrom("t1", "python-sandbox-template", "pool-x");
const poolName = fc.constantFrom("pool", "pool-a", "default", "none", "shadow-pool-t1", "shadow-pool-", "t1");

const kindObject = (
  apiVersion: string,
  kind: string,
  fields: Record<string, fc.Arbitrary<unknown>>,
  name = dnsName,
) =>
  fc
    .record({ metadata: metadata(name), ...fields }, { requiredKeys: ["metadata", "spec"] as never })
    .map((object) => ({ apiVersion, kind, ...object }) as Obj);

const commonSandboxSpec = {
  podTemplate,
  volumeClaimTemplates,
  service: fc.boolean(),
  shutdownTime: dateTime,
  shutdownPolicy,
};

const commonSandboxStatus = {
  serviceFQDN: dnsName.map((n) => `${n}.default.svc.cluster.local`),
  service: dnsName,
  conditions,
  selector: dnsName.map((n) => `agents.x-k8s.io/sandbox-name-hash=${n}`),
  podIPs,
};

const commonTemplateSpec = {
  podTemplate,
  volumeClaimTemplates,
  service: fc.boolean(),
  networkPolicy,
  networkPolicyManagement: fc.constantFrom("Managed", "Unmanaged"),
  envVarsInjectionPolicy: fc.constantFrom("Allowed", "Overrides", "Disallowed"),
};

const commonClaimSpec = {
  lifecycle: record(
    {
      shutdownTime: dateTime,
      ttlSecondsAfterFinished: nonNegative,
      shutdownPolicy: fc.constantFrom("Delete", "DeleteForeground", "Retain"),
    },
    [],
  ),
  additionalPodMetadata: record({ labels: stringMap, annotations: stringMap }, []),
  env: fc.array(record({ name: dnsName, value: shortText, containerName: dnsName }, ["name", "value"]), {
    maxLength: 2,
  }),
};

const poolStatus = { replicas: nonNegative, readyReplicas: nonNegative, selector: dnsName };
const updateStrategy = record({ type: fc.constantFrom("Recreate", "OnReplenish") }, []);

export const v1alpha1 = {
  Sandbox: kindObject("agents.x-k8s.io/v1alpha1", "Sandbox", {
    spec: record({ ...commonSandboxSpec, replicas: fc.constantFrom(0, 1) }, ["podTemplate"]),
    status: record({ ...commonSandboxStatus, replicas: fc.nat({ max: 3 }) }, []),
  }),
  SandboxTemplate: kindObject("extensions.agents.x-k8s.io/v1alpha1", "SandboxTemplate", {
    spec: record(commonTemplateSpec, ["podTemplate"]),
  }),
  SandboxClaim: kindObject(
    "extensions.agents.x-k8s.io/v1alpha1",
    "SandboxClaim",
    {
      spec: record(
        {
          ...commonClaimSpec,
          sandboxTemplateRef: templateRef(templateName),
          warmpool: fc.oneof(poolName, fc.constant("")),
        },
        ["sandboxTemplateRef"],
      ),
      status: record(
        { conditions, sandbox: record({ name: sandboxName, Name: sandboxName, podIPs }, []) },
        [],
      ),
    },
    claimName,
  ),
  SandboxWarmPool: kindObject("extensions.agents.x-k8s.io/v1alpha1", "SandboxWarmPool", {
    spec: record({ replicas: nonNegative, sandboxTemplateRef: templateRef(templateName), updateStrategy }, [
      "replicas",
      "sandboxTemplateRef",
    ]),
    status: record(poolStatus, []),
  }),
};

export const v1beta1 = {
  Sandbox: kindObject("agents.x-k8s.io/v1beta1", "Sandbox", {
    spec: record({ ...commonSandboxSpec, operatingMode: fc.constantFrom("Running", "Suspended") }, [
      "podTemplate",
    ]),
    status: record({ ...commonSandboxStatus, nodeName: dnsName }, []),
  }),
  SandboxTemplate: kindObject("extensions.agents.x-k8s.io/v1beta1", "SandboxTemplate", {
    spec: record(
      {
        ...commonTemplateSpec,
        volumeClaimTemplatesPolicy: fc.constantFrom("Disallowed", "Allowed", "Overrides"),
      },
      ["podTemplate"],
    ),
  }),
  SandboxClaim: kindObject(
    "extensions.agents.x-k8s.io/v1beta1",
    "SandboxClaim",
    {
      spec: record({ ...commonClaimSpec, warmPoolRef: templateRef(poolName), volumeClaimTemplates }, [
        "warmPoolRef",
      ]),
      status: record({ conditions, sandbox: record({ name: sandboxName, podIPs }, []) }, []),
    },
    claimName,
  ),
  SandboxWarmPool: kindObject("extensions.agents.x-k8s.io/v1beta1", "SandboxWarmPool", {
    spec: record({ replicas: nonNegative, sandboxTemplateRef: templateRef(templateName), updateStrategy }, [
      "sandboxTemplateRef",
    ]),
    status: record({ ...poolStatus, observedGeneration: nonNegative }, []),
  }),
};

export const KINDS = ["Sandbox", "SandboxTemplate", "SandboxClaim", "SandboxWarmPool"] as const;
