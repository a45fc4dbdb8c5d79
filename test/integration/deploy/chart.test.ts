// helm lint and helm template of deploy/chart with default and non-default values: object names, labels,
// the article chart's values and defaults, hardening, auth modes, and the router-namespace coupling.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Either } from "effect";
import { parse } from "yaml";
import { chartDir, HelmError, helm } from "../../../deploy/generate";
import { parseFlags as parseControllerFlags } from "../../../src/controller/flags";
import { parseRouterConfig } from "../../../src/router/config";
import {
  field,
  find,
  helmValueArgs,
  type K8sObject,
  kinds,
  NON_DEFAULT_VALUES,
  parseObjects,
  renderChart,
  renderChartText,
} from "./render";

const defaults = parse(readFileSync(join(chartDir, "values.yaml"), "utf8"));

/** Every values key of the article's chart (router-chart.md §1.2) with its default; images differ on purpose. */
const ARTICLE_DEFAULTS: Record<string, unknown> = {
  namespace: "agent-sandbox",
  "router.replicaCount": 1,
  "router.image.pullPolicy": "IfNotPresent",
  "router.env": [{ name: "PROXY_TIMEOUT_SECONDS", value: "180" }],
  "router.resources.requests.cpu": "250m",
  "router.resources.requests.memory": "512Mi",
  "router.resources.limits.cpu": "1000m",
  "router.resources.limits.memory": "1Gi",
  "router.securityContext.runAsUser": 1000,
  "router.securityContext.runAsGroup": 1000,
  "httproute.enabled": true,
  "httproute.name": "sandbox-router-route",
  "httproute.hostname": "",
  "httproute.parentRef.name": "external",
  "httproute.parentRef.namespace": "envoy",
  "sandboxTemplate.enabled": true,
  "sandboxTemplate.name": "python-sandbox-template",
  "sandboxTemplate.namespace": "agent-sandbox",
  "sandboxTemplate.containerName": "python-runtime",
  "sandboxTemplate.containerPort": 8888,
  "sandboxTemplate.readinessProbe.path": "/",
  "sandboxTemplate.readinessProbe.port": 8888,
  "sandboxTemplate.readinessProbe.periodSeconds": 1,
  "sandboxTemplate.livenessProbe.path": "/",
  "sandboxTemplate.livenessProbe.port": 8888,
  "sandboxTemplate.resources.requests": { cpu: "250m", memory: "512Mi", "ephemeral-storage": "512Mi" },
  "sandboxTemplate.resources.limits": { cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi" },
  "sandboxTemplate.restartPolicy": "OnFailure",
  nameOverride: "",
  fullnameOverride: "",
};

const CLIENT_RULES = [
  {
    apiGroups: ["extensions.agents.x-k8s.io"],
    resources: ["sandboxclaims"],
    verbs: ["create", "delete", "get", "list", "watch"],
  },
  { apiGroups: ["agents.x-k8s.io"], resources: ["sandboxes"], verbs: ["get", "list", "watch"] },
];

const routerContainer = (objects: K8sObject[]) =>
  field(find(objects, "Deployment", "sandbox-router-deployment"), "spec.template.spec.containers.0");
const controllerArgs = (objects: K8sObject[]): string[] =>
  field(find(objects, "Deployment", "agent-sandbox-controller"), "spec.template.spec.containers.0.args");
const argValue = (args: string[], flag: string) =>
  args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

describe("helm lint", () => {
  test("passes with default values", () => {
    expect(helm(["lint", chartDir])).toContain("0 chart(s) failed");
  });
  test("passes with non-default values", () => {
    expect(helm(["lint", chartDir, ...helmValueArgs(NON_DEFAULT_VALUES)])).toContain("0 chart(s) failed");
  });
  test("fails on values the schema rejects, naming the key", () => {
    expect(() => helm(["lint", chartDir, ...helmValueArgs({ router: { auth: { mode: "magic" } } })])).toThrow(
      /\/router\/auth\/mode': value must be one of 'none', 'token', 'tokenreview'/,
    );
    expect(() => helm(["lint", chartDir, ...helmValueArgs({ warmPool: { replicas: -1 } })])).toThrow(
      /\/warmPool\/replicas': minimum/,
    );
  });
});

describe("values keep the article chart's keys and defaults", () => {
  for (const [path, value] of Object.entries(ARTICLE_DEFAULTS)) {
    test(path, () => expect(field(defaults, path)).toEqual(value));
  }
});

describe("helm template with default values", () => {
  const objects = renderChart();

  test("installs what the article's chart installs, plus the router's ServiceAccount, RBAC and PDB", () => {
    expect(kinds(objects)).toEqual([
      "ClusterRole/agent-sandbox-router-client",
      "ClusterRole/agent-sandbox-router-proxy",
      "ClusterRoleBinding/agent-sandbox-router-proxy",
      "Deployment/sandbox-router-deployment",
      "HTTPRoute/sandbox-router-route",
      "PodDisruptionBudget/sandbox-router-pdb",
      "SandboxTemplate/python-sandbox-template",
      "Service/sandbox-router-svc",
      "ServiceAccount/sandbox-router",
    ]);
  });

  test("the client ClusterRole grants exactly the article's verbs", () => {
    expect(find(objects, "ClusterRole", "agent-sandbox-router-client").rules).toEqual(CLIENT_RULES);
  });

  test("router pods carry app: sandbox-router and the Service selects them on port 8080", () => {
    const deployment = find(objects, "Deployment", "sandbox-router-deployment");
    const podLabels = field(deployment, "spec.template.metadata.labels");
    expect(podLabels.app).toBe("sandbox-router");
    const service = find(objects, "Service", "sandbox-router-svc");
    expect(service.metadata.namespace).toBe("agent-sandbox");
    for (const [k, v] of Object.entries(field(service, "spec.selector"))) expect(podLabels[k]).toBe(v);
    expect(field(service, "spec.ports")).toEqual([
      { name: "http", port: 8080, targetPort: 8080, protocol: "TCP" },
    ]);
    expect(field(deployment, "spec.selector.matchLabels")).toEqual(field(service, "spec.selector"));
  });

  test("the router runs hardened: non-root, read-only root, no capabilities, RuntimeDefault seccomp", () => {
    const deployment = find(objects, "Deployment", "sandbox-router-deployment");
    expect(field(deployment, "spec.template.spec.securityContext")).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(routerContainer(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(routerContainer(objects).env).toEqual([
      { name: "PROXY_TIMEOUT_SECONDS", value: "180" },
      { name: "ALLOW_UNAUTHENTICATED_ROUTER", value: "true" },
    ]);
  });

  test("the HTTPRoute sends every path to sandbox-router-svc:8080 through the article's default Gateway", () => {
    const route = find(objects, "HTTPRoute", "sandbox-router-route");
    expect(field(route, "spec.parentRefs")).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "external", namespace: "envoy" },
    ]);
    expect(field(route, "spec.hostnames")).toBeUndefined();
    expect(field(route, "spec.rules.0.backendRefs")).toEqual([
      { group: "", kind: "Service", name: "sandbox-router-svc", port: 8080, weight: 1 },
    ]);
  });

  test("the default SandboxTemplate is hardened: non-root, RuntimeDefault, drop ALL, no escalation", () => {
    const template = find(objects, "SandboxTemplate", "python-sandbox-template");
    const pod = field(template, "spec.podTemplate.spec");
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.runtimeClassName).toBeUndefined();
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.containers[0].name).toBe("python-runtime");
    expect(pod.containers[0].ports).toEqual([{ containerPort: 8888, protocol: "TCP" }]);
    expect(field(template, "spec.networkPolicyManagement")).toBe("Managed");
  });

  test("fullname rules: another release name prefixes the client ClusterRole", () => {
    const other = renderChart({ release: "test-router" });
    expect(find(other, "ClusterRole", "test-router-agent-sandbox-router-client").rules).toEqual(CLIENT_RULES);
  });
});

describe("helm template with non-default values", () => {
  const objects = renderChart({ values: NON_DEFAULT_VALUES });

  test("images, replicas, hostname and parentRef follow the values", () => {
    const deployment = find(objects, "Deployment", "sandbox-router-deployment");
    expect(field(deployment, "spec.replicas")).toBe(3);
    expect(routerContainer(objects).image).toBe("registry.example.com/sandbox-router:v9.9.9");
    const route = find(objects, "HTTPRoute", "sandbox-router-route");
    expect(field(route, "spec.hostnames")).toEqual(["sandbox.example.com"]);
    expect(field(route, "spec.parentRefs.0")).toEqual({
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: "gw",
    });
  });

  test("token auth reads the token from a chart-made Secret", () => {
    const secret = find(objects, "Secret", "agent-sandbox-router-auth");
    expect(field(secret, "stringData.token")).toBe("s3cret-token");
    expect(routerContainer(objects).env).toContainEqual({
      name: "ROUTER_AUTH_TOKEN",
      valueFrom: { secretKeyRef: { name: "agent-sandbox-router-auth", key: "token" } },
    });
  });

  test("token auth with an existing Secret makes none", () => {
    const rendered = renderChart({ values: { router: { auth: { mode: "token", existingSecret: "mine" } } } });
    expect(rendered.some((o) => o.kind === "Secret")).toBe(false);
    expect(routerContainer(rendered).env).toContainEqual({
      name: "ROUTER_AUTH_TOKEN",
      valueFrom: { secretKeyRef: { name: "mine", key: "token" } },
    });
  });

  test("token auth without a token fails with a clear message", () => {
    expect(() => renderChart({ values: { router: { auth: { mode: "token" } } } })).toThrow(
      /router.auth.mode=token needs router.auth.token or router.auth.existingSecret/,
    );
  });

  test("tokenreview auth lets the router create TokenReviews and nothing else more", () => {
    const rendered = renderChart({ values: { router: { auth: { mode: "tokenreview" } } } });
    expect(find(rendered, "ClusterRole", "agent-sandbox-router-proxy").rules).toContainEqual({
      apiGroups: ["authentication.k8s.io"],
      resources: ["tokenreviews"],
      verbs: ["create"],
    });
    const none = renderChart();
    expect(JSON.stringify(find(none, "ClusterRole", "agent-sandbox-router-proxy"))).not.toContain(
      "tokenreviews",
    );
  });

  test("runtimeClassName and the warm pool follow the values", () => {
    const template = find(objects, "SandboxTemplate", "python-sandbox-template");
    expect(template.metadata.namespace).toBe("team-sandboxes");
    expect(field(template, "spec.podTemplate.spec.runtimeClassName")).toBe("gvisor");
    const pool = find(objects, "SandboxWarmPool", "python-sandbox-warmpool");
    expect(pool.metadata.namespace).toBe("team-sandboxes");
    expect(field(pool, "spec")).toEqual({
      replicas: 5,
      sandboxTemplateRef: { name: "python-sandbox-template" },
    });
  });

  test("a warm pool without the default template fails with a clear message", () => {
    expect(() =>
      renderChart({ values: { warmPool: { enabled: true }, sandboxTemplate: { enabled: false } } }),
    ).toThrow(/warmPool.enabled needs sandboxTemplate.enabled/);
  });

  test("the controller runs hardened in agent-sandbox-system with leader election, probes and metrics", () => {
    const deployment = find(objects, "Deployment", "agent-sandbox-controller");
    expect(deployment.metadata.namespace).toBe("agent-sandbox-system");
    const container = field(deployment, "spec.template.spec.containers.0");
    expect(container.args).toContain("--leader-elect=true");
    expect(container.args).toContain("--extensions=true");
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "probes" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "probes" });
    expect(container.ports.map((p: { containerPort: number }) => p.containerPort).sort()).toEqual([
      8080, 8081, 9443,
    ]);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.resources.limits).toBeDefined();
    const webhook = find(objects, "Service", "agent-sandbox-webhook-service");
    expect(field(webhook, "spec.ports")).toEqual([
      { name: "https", port: 443, targetPort: "webhook", protocol: "TCP" },
      { name: "webhook", port: 9443, targetPort: "webhook", protocol: "TCP" },
    ]);
    expect(find(objects, "Namespace", "agent-sandbox-system")).toBeDefined();
  });

  test("controller pods are not selected by the router's Service", () => {
    const service = find(objects, "Service", "sandbox-router-svc");
    const controllerLabels = field(
      find(objects, "Deployment", "agent-sandbox-controller"),
      "spec.template.metadata.labels",
    );
    const selected = Object.entries(field(service, "spec.selector")).every(
      ([k, v]) => controllerLabels[k] === v,
    );
    expect(selected).toBe(false);
  });

  test("the Falco rules ConfigMap holds the three sandbox rules as valid YAML", () => {
    const configMap = find(objects, "ConfigMap", "agent-sandbox-router-falco-rules");
    expect(configMap.metadata.namespace).toBe("falco");
    const rules = parse(field(configMap, "data")["agent-sandbox-rules.yaml"]) as Array<
      Record<string, unknown>
    >;
    expect(rules.filter((r) => "rule" in r).map((r) => r.rule)).toEqual([
      "Agent sandbox unexpected shell",
      "Agent sandbox metadata server connection",
      "Agent sandbox cluster-internal connection",
    ]);
    const cidrs = rules.find((r) => r.list === "agent_sandbox_cluster_cidrs");
    expect(cidrs?.items).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]);
  });

  test("the CRDs are installed, kept on uninstall, converting through the controller's namespace", () => {
    const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      "sandboxclaims.extensions.agents.x-k8s.io",
      "sandboxes.agents.x-k8s.io",
      "sandboxtemplates.extensions.agents.x-k8s.io",
      "sandboxwarmpools.extensions.agents.x-k8s.io",
    ]);
    const webhookPorts = field(find(objects, "Service", "agent-sandbox-webhook-service"), "spec.ports").map(
      (p: { port: number }) => p.port,
    );
    for (const crd of crds) {
      expect(field(crd, "metadata.annotations")["helm.sh/resource-policy"]).toBe("keep");
      const service = field(crd, "spec.conversion.webhook.clientConfig.service");
      if (service !== undefined) {
        expect(service.namespace).toBe("agent-sandbox-system");
        expect(service.name).toBe("agent-sandbox-webhook-service");
        expect(webhookPorts).toContain(service.port ?? 443);
      }
    }
    const moved = renderChart({ values: { crds: { install: true }, controller: { namespace: "ops" } } });
    for (const crd of moved.filter((o) => o.kind === "CustomResourceDefinition")) {
      const service = field(crd, "spec.conversion.webhook.clientConfig.service");
      if (service !== undefined) expect(service.namespace).toBe("ops");
    }
  });
});

describe("the controller's --router-namespace matches where the chart runs the router (upstream #1409)", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["default namespace", { controller: { enabled: true } }, "agent-sandbox"],
    ["custom namespace", { namespace: "team-a", controller: { enabled: true } }, "team-a"],
    ["explicit override", { controller: { enabled: true, routerNamespace: "edge" } }, "edge"],
  ];
  for (const [name, values, expected] of cases) {
    test(name, () => {
      const objects = renderChart({ values });
      expect(argValue(controllerArgs(objects), "--router-namespace")).toBe(expected);
      if (name !== "explicit override") {
        const router = find(objects, "Deployment", "sandbox-router-deployment");
        expect(router.metadata.namespace).toBe(expected);
      }
    });
  }
});

describe("the router accepts what the chart passes it (its own config parser)", () => {
  /** The container's env as the kubelet would give it; Secret references resolve to a stand-in value. */
  const envOf = (container: { env?: Array<{ name: string; value?: string }> }) =>
    Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? "from-secret"]));
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["none", {}, "none"],
    ["token", { auth: { mode: "token", token: "t" } }, "static"],
    ["tokenreview", { auth: { mode: "tokenreview" } }, "tokenreview"],
  ];
  for (const [mode, router, expected] of cases) {
    test(`auth mode ${mode}`, () => {
      const container = routerContainer(renderChart({ values: { router } }));
      const parsed = parseRouterConfig(container.args, envOf(container));
      expect(Either.isRight(parsed)).toBe(true);
      if (Either.isLeft(parsed)) return;
      expect(parsed.right.authzMode).toBe(expected as typeof parsed.right.authzMode);
      expect(parsed.right.port).toBe(8080);
      expect(parsed.right.metricsPort).toBe(9090);
      expect(parsed.right.proxyTimeoutSeconds).toBe(180);
      expect(parsed.right.allowUnauthenticated).toBe(mode === "none");
    });
  }
});

describe("the controller accepts what the chart passes it (its own flag parser)", () => {
  test.each([
    ["webhook on", { controller: { enabled: true } }],
    [
      "webhook off, extra args",
      { controller: { enabled: true, webhook: { enabled: false }, extraArgs: ["--kube-api-qps=50"] } },
    ],
  ])("%s", (_name, values) => {
    const args = controllerArgs(renderChart({ values }));
    const parsed = parseControllerFlags(args);
    expect(Either.isRight(parsed)).toBe(true);
    if (Either.isLeft(parsed)) return;
    const flags = parsed.right;
    expect(flags.leaderElect).toBe(true);
    expect(flags.leaderElectionNamespace).toBe("agent-sandbox-system");
    expect(flags.extensions).toBe(true);
    expect(flags.routerNamespace).toBe("agent-sandbox");
    expect(flags.metricsAddress?.port).toBe(8080);
    expect(flags.probeAddress?.port).toBe(8081);
    if (args.includes("--enable-webhook=true")) {
      expect(flags.webhook).toMatchObject({
        port: 9443,
        serviceName: "agent-sandbox-webhook-service",
        namespace: "agent-sandbox-system",
        manageCerts: true,
        certDir: "/var/run/agent-sandbox/webhook-certs",
      });
    } else {
      expect(flags.webhook).toBeUndefined();
    }
  });
});

describe("bad values", () => {
  test("a render failure is a HelmError carrying helm's message", () => {
    let error: unknown;
    try {
      renderChartText({ values: { router: { auth: { mode: "" } } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HelmError);
    expect(String(error)).toContain("value must be one of 'none', 'token', 'tokenreview'");
  });

  test("parseObjects rejects invalid YAML instead of dropping it", () => {
    expect(() => parseObjects("kind: A\n  bad: [")).toThrow(/invalid YAML/);
  });
});
