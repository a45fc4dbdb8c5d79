// Unit tests of the controller's pure pieces: ports, NetworkPolicy, metadata validation, injection
// policies, slow start, flags, the conversion review.
import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import type { PodSpec, v1beta1 } from "../../../src/api";
import { injectEnv, mergeVolumeClaimTemplates } from "../../../src/controller/claim/injection";
import { validateAdditionalPodMetadata } from "../../../src/controller/claim/metadata";
import { applySecureDefaults } from "../../../src/controller/common/blueprint";
import { parseDuration, parseFlags, usage } from "../../../src/controller/flags";
import { servicePorts } from "../../../src/controller/sandbox/ports";
import { desiredNetworkPolicySpec } from "../../../src/controller/template/plan";
import { slowStartBatches } from "../../../src/controller/warmpool/plan";
import { reviewConversion } from "../../../src/controller/webhook/review";

const spec = (containers: PodSpec["containers"], extra: Partial<PodSpec> = {}): PodSpec => ({
  containers,
  ...extra,
});

describe("servicePorts", () => {
  test("dedupes by port and protocol, sorts, keeps the first explicit name, generates the rest", () => {
    const ports = servicePorts(
      spec(
        [
          { name: "a", ports: [{ containerPort: 9000 }, { containerPort: 8888, name: "http" }] },
          {
            name: "b",
            ports: [
              { containerPort: 8888, protocol: "TCP", name: "other" },
              { containerPort: 53, protocol: "UDP" },
            ],
          },
        ],
        {
          initContainers: [
            { name: "side", restartPolicy: "Always", ports: [{ containerPort: 7000 }] },
            { name: "init", ports: [{ containerPort: 1 }] },
          ],
        },
      ),
    );
    expect(ports).toEqual([
      { name: "p-53-udp", port: 53, targetPort: 53, protocol: "UDP" },
      { name: "p-7000-tcp", port: 7000, targetPort: 7000, protocol: "TCP" },
      { name: "http", port: 8888, targetPort: 8888, protocol: "TCP" },
      { name: "p-9000-tcp", port: 9000, targetPort: 9000, protocol: "TCP" },
    ]);
  });

  test("a generated name never collides with an explicit one", () => {
    const ports = servicePorts(
      spec([{ name: "a", ports: [{ containerPort: 80 }, { containerPort: 81, name: "p-80-tcp" }] }]),
    );
    expect(new Set(ports.map((p) => p.name)).size).toBe(2);
  });
});

const template = (s: Partial<v1beta1.SandboxTemplateSpec> = {}): v1beta1.SandboxTemplate => ({
  apiVersion: "extensions.agents.x-k8s.io/v1beta1",
  kind: "SandboxTemplate",
  metadata: { name: "tpl", namespace: "team" },
  spec: { podTemplate: { spec: spec([{ name: "main" }]) }, ...s },
});

describe("NetworkPolicy", () => {
  test("secure default admits routers from the router namespace, or the template's own when unset", () => {
    const own = desiredNetworkPolicySpec(template(), "");
    expect(own.ingress?.[0]?.from?.[0]?.namespaceSelector?.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "team",
    });
    const central = desiredNetworkPolicySpec(template(), "agent-sandbox-system");
    expect(central.ingress?.[0]?.from?.[0]?.namespaceSelector?.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "agent-sandbox-system",
    });
    expect(central.egress?.[0]?.to?.map((p) => p.ipBlock?.cidr)).toEqual(["0.0.0.0/0", "::/0"]);
  });

  test("custom rules replace the default; selector and policy types stay controller-owned", () => {
    const np = desiredNetworkPolicySpec(
      template({ networkPolicy: { egress: [{ to: [{ ipBlock: { cidr: "1.2.3.4/32" } }] }] } }),
      "",
    );
    expect(np.ingress).toEqual([]);
    expect(np.egress).toEqual([{ to: [{ ipBlock: { cidr: "1.2.3.4/32" } }] }]);
    expect(np.policyTypes).toEqual(["Ingress", "Egress"]);
  });
});

describe("secure defaults", () => {
  test("no token automount; DNS override only with the secure-default policy and unset dnsPolicy", () => {
    const out = applySecureDefaults(spec([{ name: "m" }]), template().spec, ["10.0.0.10"]);
    expect(out.automountServiceAccountToken).toBe(false);
    expect(out.dnsPolicy).toBe("None");
    expect(out.dnsConfig?.nameservers).toEqual(["10.0.0.10"]);
    const custom = applySecureDefaults(spec([{ name: "m" }]), template({ networkPolicy: {} }).spec, [
      "10.0.0.10",
    ]);
    expect(custom.dnsPolicy).toBeUndefined();
    const explicit = applySecureDefaults(
      spec([{ name: "m" }], { dnsPolicy: "ClusterFirst", automountServiceAccountToken: true }),
      template().spec,
      ["x"],
    );
    expect(explicit.dnsPolicy).toBe("ClusterFirst");
    expect(explicit.automountServiceAccountToken).toBe(true);
  });
});

describe("additionalPodMetadata", () => {
  const allowed = ["sandbox.users.io"];
  test.each([
    [{ labels: { "sandbox.users.io/team": "a" } }, undefined],
    [{ labels: { "x.sandbox.users.io/team": "a" } }, undefined],
    [{ labels: { team: "a" } }, "must have a domain prefix"],
    [{ labels: { "evil.io/team": "a" } }, "not in an allowed domain"],
    [{ labels: { "sandbox.users.io/team": "bad value!" } }, "invalid value"],
    [{ labels: { "sandbox.users.io/": "a" } }, "not a valid qualified name"],
    [{ annotations: { "kubernetes.io/x": "1" } }, "reserved domain"],
    [{ annotations: { "agents.x-k8s.io/pod-name": "1" } }, "reserved domain"],
    [{ annotations: { "extensions.agents.x-k8s.io/x": "1" } }, "reserved domain"],
    [{ annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } }, undefined],
    [{ annotations: { "example.com/note": "anything goes" } }, undefined],
  ])("%j -> %p", (metadata, problem) => {
    const result = validateAdditionalPodMetadata(metadata, allowed);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });
});

describe("env injection", () => {
  const base = spec([
    { name: "main", env: [{ name: "A", value: "1" }] },
    { name: "side", envFrom: [{ prefix: "P" }] },
  ]);
  test("Disallowed rejects, Allowed adds new names only, Overrides replaces", () => {
    expect(injectEnv(base, [{ name: "B", value: "2" }], "Disallowed").ok).toBe(false);
    const added = injectEnv(base, [{ name: "B", value: "2" }], "Allowed");
    expect(added.ok && added.value.containers[0]?.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(injectEnv(base, [{ name: "A", value: "2" }], "Allowed").ok).toBe(false);
    expect(injectEnv(base, [{ name: "B", value: "2", containerName: "side" }], "Allowed").ok).toBe(false);
    const replaced = injectEnv(base, [{ name: "A", value: "9" }], "Overrides");
    expect(replaced.ok && replaced.value.containers[0]?.env).toEqual([{ name: "A", value: "9" }]);
    expect(injectEnv(base, [{ name: "A", value: "9", containerName: "nope" }], "Overrides").ok).toBe(false);
  });
});

describe("volumeClaimTemplates merge", () => {
  const vct = (name: string, size = "1Gi") => ({
    metadata: { name },
    spec: { resources: { requests: { storage: size } } },
  });
  test("policies", () => {
    expect(mergeVolumeClaimTemplates([vct("a")], [vct("b")], "Disallowed").ok).toBe(false);
    const appended = mergeVolumeClaimTemplates([vct("a")], [vct("b")], "Allowed");
    expect(appended.ok && appended.value.map((v) => v.metadata?.name)).toEqual(["a", "b"]);
    expect(mergeVolumeClaimTemplates([vct("a")], [vct("a")], "Allowed").ok).toBe(false);
    const overridden = mergeVolumeClaimTemplates(
      [vct("a"), vct("c")],
      [vct("a", "5Gi"), vct("b")],
      "Overrides",
    );
    expect(overridden.ok && overridden.value).toEqual([vct("a", "5Gi"), vct("c"), vct("b")]);
    expect(mergeVolumeClaimTemplates([], [vct("x"), vct("x")], "Overrides").ok).toBe(false);
    expect(mergeVolumeClaimTemplates([], [vct("")], "Overrides").ok).toBe(false);
  });
});

test("slow start: 1, 2, 4, ... capped at the max batch, summing to n", () => {
  expect(slowStartBatches(10, 300)).toEqual([1, 2, 4, 3]);
  expect(slowStartBatches(20, 4)).toEqual([1, 2, 4, 4, 4, 4, 1]);
  expect(slowStartBatches(0, 4)).toEqual([]);
});

describe("flags", () => {
  test("upstream defaults", () => {
    const f = Either.getOrThrow(parseFlags([]));
    expect(f.concurrency).toEqual({ sandbox: 100, claim: 50, warmPool: 1, template: 1 });
    expect(f.metricsAddress).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(f.probeAddress).toEqual({ host: "0.0.0.0", port: 8081 });
    expect(f.leaderElect).toBe(true);
    expect(f.dnsNameservers).toEqual(["8.8.8.8", "1.1.1.1"]);
    expect(f.warmPoolReadinessGraceMs).toBe(300_000);
    expect(f.webhook).toBeUndefined();
  });

  test("Go-style forms, ignored upstream flags, and clear errors", () => {
    const f = Either.getOrThrow(
      parseFlags([
        "--leader-elect=false",
        "--extensions",
        "--cluster-domain",
        "corp.local",
        "--dns-nameservers=10.0.0.10",
        "--kube-api-qps=50",
        "--metrics-bind-address=0",
      ]),
    );
    expect(f.leaderElect).toBe(false);
    expect(f.extensions).toBe(true);
    expect(f.clusterDomain).toBe("corp.local");
    expect(f.dnsNameservers).toEqual(["10.0.0.10"]);
    expect(f.metricsAddress).toBeUndefined();
    expect(parseFlags(["--nope"])).toEqual(Either.left("unknown flag --nope"));
    expect(Either.isLeft(parseFlags(["--leader-elect=maybe"]))).toBe(true);
    expect(Either.isLeft(parseFlags(["--cluster-domain"]))).toBe(true);
    expect(Either.isLeft(parseFlags(["--sandbox-warm-pool-readiness-grace-period=soon"]))).toBe(true);
  });

  test("refill shaping and cache scoping flags are acted on, off by default as upstream", () => {
    const d = Either.getOrThrow(parseFlags([]));
    expect([d.warmPoolReplenishDelayMs, d.warmPoolMaxRefillRate, d.cacheLabelSelectors]).toEqual([
      0,
      0,
      false,
    ]);
    const f = Either.getOrThrow(
      parseFlags([
        "--sandbox-warm-pool-replenish-delay=1500ms",
        "--sandbox-warm-pool-max-refill-rate",
        "2.5",
        "--cache-label-selectors",
      ]),
    );
    expect([f.warmPoolReplenishDelayMs, f.warmPoolMaxRefillRate, f.cacheLabelSelectors]).toEqual([
      1500,
      2.5,
      true,
    ]);
    for (const bad of ["-1", "NaN", "Inf", "", "fast"])
      expect(Either.isLeft(parseFlags([`--sandbox-warm-pool-max-refill-rate=${bad}`]))).toBe(true);
    expect(Either.isLeft(parseFlags(["--sandbox-warm-pool-replenish-delay=later"]))).toBe(true);
    expect(usage()).not.toMatch(/Accepted and ignored:.*(refill|replenish|cache-label)/);
  });

  test("durations", () => {
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("5")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });
});

describe("conversion review", () => {
  const sandbox = {
    apiVersion: "agents.x-k8s.io/v1alpha1",
    kind: "Sandbox",
    metadata: { name: "s" },
    spec: { replicas: 0, podTemplate: { spec: { containers: [] } } },
  };
  test("converts every object and echoes the uid", () => {
    const out = Either.getOrThrow(
      reviewConversion({
        kind: "ConversionReview",
        request: { uid: "u", desiredAPIVersion: "agents.x-k8s.io/v1beta1", objects: [sandbox] },
      }),
    );
    expect(out.response.uid).toBe("u");
    expect(out.response.result).toEqual({ status: "Success" });
    expect((out.response.convertedObjects[0]!.spec as { operatingMode?: string }).operatingMode).toBe(
      "Suspended",
    );
  });

  test("a bad object fails the review with its index; a malformed review is rejected", () => {
    const out = Either.getOrThrow(
      reviewConversion({
        kind: "ConversionReview",
        request: {
          uid: "u",
          desiredAPIVersion: "agents.x-k8s.io/v1beta1",
          objects: [sandbox, { kind: "Pod" }],
        },
      }),
    );
    expect(out.response.result.status).toBe("Failure");
    expect(JSON.stringify(out.response.result)).toContain("objects[1]");
    expect(Either.isLeft(reviewConversion({ kind: "Other" }))).toBe(true);
    expect(Either.isLeft(reviewConversion({ kind: "ConversionReview", request: { objects: [] } }))).toBe(
      true,
    );
  });
});
