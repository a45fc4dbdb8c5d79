// The Python `kubernetes` client (CustomObjectsApi create/get/watch/delete) against the server over HTTPS.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProcessOk } from "../../support/process";
import { type Running, start, widgetCrd } from "./helpers";

// A Python interpreter importing the kubernetes package takes seconds on a loaded machine.
setDefaultTimeout(60_000);

let env: Running;
let dir: string;

beforeAll(async () => {
  expect(Bun.which("python3")).not.toBeNull();
  dir = mkdtempSync(join(tmpdir(), "apiserver-python-"));
  env = await start({ tls: true, kubeconfigPath: join(dir, "config") });
  expect(
    (await env.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widgetCrd()))
      .status,
  ).toBe(201);
});
afterAll(async () => {
  await env.server.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The watch starts from the create's resourceVersion after the patch and delete, so it replays exactly
// those two events from the server's window: deterministic, no racing threads.
const SCRIPT = `
import json, sys
from kubernetes import client, config, watch
config.load_kube_config(sys.argv[1])
api = client.CustomObjectsApi()
g, v, ns, plural = "example.com", "v1", "default", "widgets"
created = api.create_namespaced_custom_object(g, v, ns, plural, {
    "apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "from-python"}, "spec": {"size": 2}})
got = api.get_namespaced_custom_object(g, v, ns, plural, "from-python")
api.patch_namespaced_custom_object(g, v, ns, plural, "from-python", {"spec": {"size": 3}})
api.delete_namespaced_custom_object(g, v, ns, plural, "from-python")
events = []
w = watch.Watch()
for ev in w.stream(api.list_namespaced_custom_object, g, v, ns, plural,
                   resource_version=created["metadata"]["resourceVersion"], timeout_seconds=20):
    events.append([ev["type"], ev["object"]["spec"]["size"]])
    if ev["type"] == "DELETED":
        w.stop()
try:
    api.get_namespaced_custom_object(g, v, ns, plural, "from-python")
    status = 200
except client.exceptions.ApiException as e:
    status = e.status
print(json.dumps({"size": got["spec"]["size"], "events": events, "after": status}))
`;

test("CustomObjectsApi create, get, patch, delete, watch", async () => {
  const out = await runProcessOk(["python3", "-c", SCRIPT, join(dir, "config")]);
  expect(JSON.parse(out)).toEqual({
    size: 2,
    events: [
      ["MODIFIED", 3],
      ["DELETED", 3],
    ],
    after: 404,
  });
});
