import { parseArgs } from "node:util";
import { DEFAULT_EXEC_TIMEOUT_SECONDS, startRuntime } from "./index";

const usage = `Usage: sandbox-runtime [--host 0.0.0.0] [--port 8888] [--base-dir /app]

The server inside a sandbox: /execute, /upload, /download, /list, /exists, /v1/files, /v1/exec.
Environment: SANDBOX_BASE_DIR (default for --base-dir), SANDBOX_EXEC_TIMEOUT_SECONDS (default 300).`;

/** CLI of the in-sandbox runtime: `bun src/runtime/main.ts --host 0.0.0.0 --port 8888 --base-dir /app`. */
const parse = () =>
  parseArgs({
    options: {
      host: { type: "string", default: "0.0.0.0" },
      port: { type: "string", default: "8888" },
      "base-dir": { type: "string", default: process.env.SANDBOX_BASE_DIR || "/app" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
let values: ReturnType<typeof parse>["values"];
try {
  values = parse().values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const port = Number(values.port);
const timeoutEnv = process.env.SANDBOX_EXEC_TIMEOUT_SECONDS;
const execTimeoutSeconds = timeoutEnv ? Number(timeoutEnv) : DEFAULT_EXEC_TIMEOUT_SECONDS;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got '${values.port}'`);
  process.exit(2);
}
if (!(execTimeoutSeconds > 0)) {
  console.error(`SANDBOX_EXEC_TIMEOUT_SECONDS must be a positive number, got '${timeoutEnv}'`);
  process.exit(2);
}

const runtime = await startRuntime({
  host: values.host,
  port,
  baseDir: values["base-dir"],
  execTimeoutSeconds,
});
console.log(`sandbox runtime listening on ${values.host}:${runtime.port}, base dir ${runtime.baseDir}`);

const shutdown = () => void runtime.stop().then(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
