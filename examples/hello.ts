// The article's Job, in TypeScript: claim a sandbox from the warm pool, run one command, print its output.
// The claim is deleted when `sandbox` goes out of scope.
//
//   SANDBOX_ROUTER_URL=http://127.0.0.1:8080 KUBECONFIG=~/.kube/config bun run examples/hello.ts
import { SandboxClient } from "../src/client/index";

await using sandbox = await SandboxClient.create({
  warmPool: process.env.SANDBOX_WARM_POOL ?? "python-sandbox-warmpool",
  namespace: process.env.SANDBOX_NAMESPACE ?? "default",
});
const result = await sandbox.run("echo 'Hello from Local!'");
process.stdout.write(result.stdout);
