// Command-line flags of `bun run local`, parsed purely so they can be tested without starting anything.

import { resolve } from "node:path";
import { parseArgs } from "node:util";

export interface LocalConfig {
  readonly stateDir: string;
  readonly apiPort: number;
  readonly routerPort: number;
  /** Port of the cluster-name proxy (`HTTP_PROXY`); absent: a free port. */
  readonly proxyPort?: number;
  readonly host: string;
  readonly warmPoolReplicas: number;
  readonly namespace: string;
  readonly isolation: boolean;
}

export type ParsedArgs =
  | { readonly _tag: "Run"; readonly config: LocalConfig }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Invalid"; readonly message: string };

export const usage = `Usage: bun run local [options]

Runs the whole Agent Sandbox system on this machine: an embedded Kubernetes API server, the controller,
a node agent that runs pods as local processes, and the router.

Options:
  --state-dir <dir>          where the store, kubeconfig and pod directories live (default: .agent-sandbox)
  --api-port <port>          API server port (default: 6443)
  --router-port <port>       router port (default: 8080)
  --proxy-port <port>        port of the HTTP proxy that resolves <svc>.<ns>.svc.cluster.local (default: 3128)
  --host <addr>              address the API server, router and proxy listen on (default: 127.0.0.1)
  --warm-pool-replicas <n>   size of the default warm pool (default: 2)
  --namespace <ns>           namespace of the default template and warm pool (default: default)
  --no-isolation             run pods without bubblewrap namespaces
  -h, --help                 show this help
`;

const integerIn = (flag: string, value: string, max: number): number | string => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= max
    ? n
    : `${flag} must be an integer from 0 to ${max}, got "${value}"`;
};

export const parseLocalArgs = (argv: ReadonlyArray<string>, cwd: string): ParsedArgs => {
  let values: ReturnType<typeof parseFlags>["values"];
  try {
    values = parseFlags(argv).values;
  } catch (error) {
    return { _tag: "Invalid", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { _tag: "Help" };
  const apiPort = integerIn("--api-port", values["api-port"], 65535);
  const routerPort = integerIn("--router-port", values["router-port"], 65535);
  const proxyPort = integerIn("--proxy-port", values["proxy-port"], 65535);
  const warmPoolReplicas = integerIn("--warm-pool-replicas", values["warm-pool-replicas"], 1000);
  for (const checked of [apiPort, routerPort, proxyPort, warmPoolReplicas]) {
    if (typeof checked === "string") return { _tag: "Invalid", message: checked };
  }
  return {
    _tag: "Run",
    config: {
      stateDir: resolve(cwd, values["state-dir"]),
      apiPort: apiPort as number,
      routerPort: routerPort as number,
      proxyPort: proxyPort as number,
      host: values.host,
      warmPoolReplicas: warmPoolReplicas as number,
      namespace: values.namespace,
      isolation: !values["no-isolation"],
    },
  };
};

const parseFlags = (argv: ReadonlyArray<string>) =>
  parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      "state-dir": { type: "string", default: ".agent-sandbox" },
      "api-port": { type: "string", default: "6443" },
      "router-port": { type: "string", default: "8080" },
      "proxy-port": { type: "string", default: "3128" },
      host: { type: "string", default: "127.0.0.1" },
      "warm-pool-replicas": { type: "string", default: "2" },
      namespace: { type: "string", default: "default" },
      "no-isolation": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
