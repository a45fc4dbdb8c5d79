// What local mode creates on first start: the default template and its warm pool. Created only when
// missing, so a user's edits survive a restart.
import { EXTENSIONS_GROUP, V1BETA1 } from "../api/index";
import type { KubeObject } from "../kube/index";
import { DEFAULT_RUNTIME_IMAGE } from "../node/index";

export const DEFAULT_TEMPLATE_NAME = "python-sandbox-template";
export const DEFAULT_WARM_POOL_NAME = "python-sandbox-warmpool";

/**
 * The article's `python-sandbox-template`, hardened as DESIGN.md asks, with a `workspace` volume on the
 * runtime's base directory so files survive suspend/resume.
 */
export const defaultTemplate = (namespace: string): KubeObject => ({
  apiVersion: `${EXTENSIONS_GROUP}/${V1BETA1}`,
  kind: "SandboxTemplate",
  metadata: { name: DEFAULT_TEMPLATE_NAME, namespace },
  spec: {
    podTemplate: {
      metadata: { labels: { "app.kubernetes.io/name": "python-runtime" } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: "python-runtime",
            image: DEFAULT_RUNTIME_IMAGE,
            ports: [{ containerPort: 8888, protocol: "TCP" }],
            readinessProbe: { httpGet: { path: "/", port: 8888 }, periodSeconds: 1 },
            livenessProbe: { httpGet: { path: "/", port: 8888 } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            volumeMounts: [{ name: "workspace", mountPath: "/app" }],
          },
        ],
        restartPolicy: "OnFailure",
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "workspace" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ],
    service: true,
    networkPolicyManagement: "Managed",
    envVarsInjectionPolicy: "Allowed",
    volumeClaimTemplatesPolicy: "Allowed",
  },
});

export const defaultWarmPool = (namespace: string, replicas: number): KubeObject => ({
  apiVersion: `${EXTENSIONS_GROUP}/${V1BETA1}`,
  kind: "SandboxWarmPool",
  metadata: { name: DEFAULT_WARM_POOL_NAME, namespace },
  spec: { replicas, sandboxTemplateRef: { name: DEFAULT_TEMPLATE_NAME } },
});
