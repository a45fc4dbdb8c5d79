// What local mode prints once it is up: how to reach it with kubectl, curl and both SDKs.

import { SERVICE_CIDR } from "../apiserver/cluster-ip";
import type { LocalSystem } from "./compose";
import type { LocalConfig } from "./config";
import { DEFAULT_TEMPLATE_NAME, DEFAULT_WARM_POOL_NAME } from "./defaults";

export const usageText = (config: LocalConfig, system: LocalSystem): string => `
Agent Sandbox is running locally.
  API server  ${system.apiUrl}
  router      ${system.routerUrl}   (no authentication: it listens on ${config.host} only)
  proxy       ${system.proxyUrl}   (resolves <service>.<namespace>.svc.cluster.local)
  state       ${config.stateDir}

kubectl:
  export KUBECONFIG=${system.kubeconfigPath}
  kubectl get sandboxtemplates,sandboxwarmpools,sandboxes,sandboxclaims -n ${config.namespace}

Claim a sandbox and run a command through the router with curl:
  kubectl create -f - <<'YAML'
  apiVersion: extensions.agents.x-k8s.io/v1beta1
  kind: SandboxClaim
  metadata: { name: my-claim, namespace: ${config.namespace} }
  spec: { warmPoolRef: { name: ${DEFAULT_WARM_POOL_NAME} } }
  YAML
  kubectl wait --for=condition=Ready sandboxclaim/my-claim -n ${config.namespace}
  SANDBOX=$(kubectl get sandboxclaim my-claim -n ${config.namespace} -o jsonpath='{.status.sandbox.name}')
  curl -s ${system.routerUrl}/execute -H "X-Sandbox-ID: $SANDBOX" -H "X-Sandbox-Namespace: ${config.namespace}" \\
       -H 'Content-Type: application/json' -d '{"command": "echo Hello from Local!"}'

Python SDK (pip install k8s-agent-sandbox):
  from k8s_agent_sandbox import SandboxClient
  from k8s_agent_sandbox.models import SandboxDirectConnectionConfig
  client = SandboxClient(connection_config=SandboxDirectConnectionConfig(api_url="${system.routerUrl}"))
  sandbox = client.create_sandbox(warmpool="${DEFAULT_WARM_POOL_NAME}", namespace="${config.namespace}")
  print(sandbox.commands.run("echo 'Hello from Local!'").stdout)

Deployments and Services work too (kubectl apply the chart: deploy/chart, docs/deploy.md): Deployments
run as local pods, Services get a ClusterIP on ${SERVICE_CIDR} that forwards to their ready pods, and the
proxy above resolves cluster names for anything that honours http_proxy (curl reads only the lowercase one):
  export http_proxy=${system.proxyUrl} no_proxy=127.0.0.1,localhost
  curl http://sandbox-router-svc.<namespace>.svc.cluster.local:8080/healthz

TypeScript SDK:
  SANDBOX_ROUTER_URL=${system.routerUrl} KUBECONFIG=${system.kubeconfigPath} bun run examples/hello.ts

Template: ${DEFAULT_TEMPLATE_NAME}. Press Ctrl-C to stop everything; the next start resumes the same sandboxes.
`;
