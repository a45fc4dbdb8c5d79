// The router as benchmarked: startRouter with its index holding N sandboxes that all point at the bench
// backend (the wrk script spreads requests over the first IDs). Prints ports and index memory.
import { SandboxIndex, startRouter } from "../../src/router/index";

const sandboxes = Number(process.argv[2] ?? "10000");
const rss = () => process.memoryUsage().rss;
Bun.gc(true);
const rssBefore = rss();
const index = new SandboxIndex();
for (let i = 0; i < sandboxes; i++) {
  index.upsertSandbox({
    metadata: { name: `sandbox-${i}`, namespace: "default" },
    status: { podIPs: ["127.0.0.1"], conditions: [{ type: "Ready", status: "True" }] },
  });
}
index.markSynced();
Bun.gc(true);
const rssAfter = rss();
const router = await startRouter({
  hostname: "127.0.0.1",
  port: 0,
  metricsPort: 0,
  auth: { mode: "none" },
  allowUnauthenticated: true,
  index,
});
console.log(
  JSON.stringify({
    port: Number(new URL(router.url).port),
    pid: process.pid,
    sandboxes: index.size,
    indexRssBytes: rssAfter - rssBefore,
  }),
);
process.on("SIGTERM", () => void router.stop().then(() => process.exit(0)));
