// The SDK as the tool of an agent loop. A real agent would ask a model for its next action; this one is
// scripted (no model here) but works the same way: each step is chosen from the observations so far, the
// sandbox carries it out, and its output becomes the next observation.
//
//   SANDBOX_ROUTER_URL=http://127.0.0.1:8080 KUBECONFIG=~/.kube/config bun run examples/agent-tool.ts
import { SandboxClient, type SandboxSession } from "../src/client/index";

/** What the agent can ask its tool to do. */
type Action =
  | { readonly tool: "write_file"; readonly path: string; readonly content: string }
  | { readonly tool: "run"; readonly command: string }
  | { readonly tool: "read_file"; readonly path: string }
  | { readonly tool: "finish"; readonly answer: string };

interface Observation {
  readonly action: Action;
  readonly output: string;
  readonly ok: boolean;
}

const PROGRAM = `import json, sys
n = int(sys.argv[1])
primes = [p for p in range(2, n) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
json.dump({"count": len(primes), "largest": primes[-1]}, open("result.json", "w"))
print(f"found {len(primes)} primes below {n}")
`;

/** The "model": looks at what happened so far and picks the next action. */
const decide = (history: ReadonlyArray<Observation>): Action => {
  const last = history.at(-1);
  if (last === undefined) return { tool: "write_file", path: "primes.py", content: PROGRAM };
  if (!last.ok) return { tool: "finish", answer: `gave up: ${last.action.tool} failed: ${last.output}` };
  switch (last.action.tool) {
    case "write_file":
      return { tool: "run", command: "python3 primes.py 100" };
    case "run":
      return { tool: "read_file", path: "result.json" };
    case "read_file": {
      const result = JSON.parse(last.output) as { count: number; largest: number };
      return { tool: "finish", answer: `${result.count} primes below 100, the largest is ${result.largest}` };
    }
    case "finish":
      return last.action;
  }
};

/** The tool: carries out one action in the sandbox and reports what came of it. */
const act = async (sandbox: SandboxSession, action: Action): Promise<Observation> => {
  switch (action.tool) {
    case "write_file":
      await sandbox.files.write(action.path, action.content);
      return { action, ok: true, output: `wrote ${action.content.length} bytes to ${action.path}` };
    case "run": {
      const result = await sandbox.run(action.command, { timeout: 30 });
      return { action, ok: result.exitCode === 0, output: result.stdout + result.stderr };
    }
    case "read_file":
      return { action, ok: true, output: await sandbox.files.readText(action.path) };
    case "finish":
      return { action, ok: true, output: action.answer };
  }
};

await using sandbox = await SandboxClient.create({
  warmPool: process.env.SANDBOX_WARM_POOL ?? "python-sandbox-warmpool",
  namespace: process.env.SANDBOX_NAMESPACE ?? "default",
});
const history: Observation[] = [];
for (let step = 1; step <= 10; step++) {
  const action = decide(history);
  if (action.tool === "finish") {
    console.log(`answer: ${action.answer}`);
    break;
  }
  const observation = await act(sandbox, action);
  console.log(`step ${step}: ${action.tool} -> ${observation.output.trim()}`);
  history.push(observation);
}
