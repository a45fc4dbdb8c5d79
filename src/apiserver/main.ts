// CLI: bun run src/apiserver/main.ts --port 6443 --storage <file> --kubeconfig <path> [--tls] [--token t]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { BunRuntime } from "@effect/platform-bun";
import { Console, Effect } from "effect";
import { ApiServer, type ApiServerOptions } from "./index";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "6443" },
    storage: { type: "string", default: ".agent-sandbox/apiserver.db" },
    kubeconfig: { type: "string" },
    tls: { type: "boolean", default: false },
    "tls-cert-file": { type: "string" },
    "tls-private-key-file": { type: "string" },
    token: { type: "string" },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}
const certFile = values["tls-cert-file"];
const keyFile = values["tls-private-key-file"];
if ((certFile === undefined) !== (keyFile === undefined)) {
  console.error("--tls-cert-file and --tls-private-key-file go together");
  process.exit(2);
}

const options: ApiServerOptions = {
  host: values.host,
  port,
  storage: values.storage,
  ...(certFile && keyFile
    ? { tls: { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") } }
    : { tls: values.tls }),
  ...(values.token ? { token: values.token } : {}),
  ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
};

const program = Effect.gen(function* () {
  const server = yield* ApiServer.scoped(options);
  yield* Console.log(`apiserver listening on ${server.url} (storage ${options.storage})`);
  if (options.kubeconfigPath) yield* Console.log(`kubeconfig written to ${options.kubeconfigPath}`);
  return yield* Effect.never;
});

BunRuntime.runMain(Effect.scoped(program));
