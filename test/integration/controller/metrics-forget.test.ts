// The controller's metrics remember which Sandboxes they already counted Ready (so the creation-latency
// histogram sees each once); a soak showed that memory only ever growing. Deleted Sandboxes must be forgotten.
import { expect, test } from "bun:test";
import type { v1beta1 } from "../../../src/api";
import { refs } from "../../../src/kube";
import { condition, envForSuite } from "./harness";

const env = envForSuite();

const sandbox = (name: string) => ({
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name, namespace: "default" },
  spec: { podTemplate: { spec: { containers: [{ name: "main", image: "runtime" }] } } },
});

test("Sandboxes counted Ready are forgotten once deleted", async () => {
  const names = ["gone-1", "gone-2", "gone-3"];
  for (const name of names) await env().create(refs.sandbox, sandbox(name));
  await env().until("pods", async () =>
    (await env().list(refs.pod)).length >= names.length ? true : undefined,
  );
  await env().startPods();
  for (const name of names) {
    const ready = await env().until(`${name} Ready`, async () => {
      const s = await env().get(refs.sandbox, name);
      return condition(s, "Ready")?.status === "True" ? s : undefined;
    });
    // Whether the reconcile that turned it Ready still saw it un-Ready is a race; count it here for certain
    // (counting is idempotent per uid).
    env().metrics.sandboxSeen(ready as v1beta1.Sandbox, true, Date.now());
  }
  expect(env().metrics.readySandboxesTracked).toBe(names.length);
  for (const name of names) await env().remove(refs.sandbox, name);
  await env().until("all forgotten", async () =>
    env().metrics.readySandboxesTracked === 0 ? true : undefined,
  );
  expect(env().metrics.readySandboxesTracked).toBe(0);
}, 60_000);
