// The local Deployment controller's planner against random pod sets: it never deletes what it does not own
// or what is already going, keeps the current template at `replicas`, keeps ready old pods until the new
// ones can serve, and a simulated run converges to a finished rollout that `kubectl rollout status` accepts.
import { expect, test } from "bun:test";
import fc from "fast-check";
import {
  type Deployment,
  type OwnedPod,
  POD_TEMPLATE_HASH,
  planDeployment,
  templateHash,
} from "../../../src/local/deployment-plan";

const NOW = "2026-01-01T00:00:00Z";
const template = (image: string) => ({
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "c", image }] },
});

const deploymentArb = fc.record({
  replicas: fc.integer({ min: 0, max: 5 }),
  recreate: fc.boolean(),
  image: fc.constantFrom("a", "b"),
});
const podArb = fc.record({
  current: fc.boolean(),
  ready: fc.boolean(),
  finished: fc.boolean(),
  deleting: fc.boolean(),
});

const makeDeployment = (d: { replicas: number; recreate: boolean; image: string }): Deployment => ({
  metadata: { name: "web", namespace: "ns", uid: "d-uid", generation: 3 },
  spec: {
    replicas: d.replicas,
    selector: { matchLabels: { app: "web" } },
    template: template(d.image),
    ...(d.recreate ? { strategy: { type: "Recreate" } } : {}),
  },
});

const makePod = (
  deployment: Deployment,
  p: { current: boolean; ready: boolean; finished: boolean; deleting: boolean },
  i: number,
): OwnedPod => ({
  metadata: {
    name: `web-${i}`,
    uid: `p-${i}`,
    creationTimestamp: `2025-01-01T00:00:${String(i).padStart(2, "0")}Z`,
    labels: { app: "web", [POD_TEMPLATE_HASH]: p.current ? templateHash(deployment.spec?.template) : "old" },
    ...(p.deleting ? { deletionTimestamp: NOW } : {}),
  },
  status: {
    phase: p.finished ? "Failed" : "Running",
    conditions: [{ type: "Ready", status: p.ready && !p.finished ? "True" : "False" }],
  },
});

const isCurrent = (d: Deployment, p: OwnedPod) =>
  p.metadata?.labels?.[POD_TEMPLATE_HASH] === templateHash(d.spec?.template);
const ready = (p: OwnedPod) => p.status?.conditions?.[0]?.status === "True";
const live = (p: OwnedPod) => p.metadata?.deletionTimestamp === undefined && p.status?.phase === "Running";

/** The pods after the plan's actions: deleted ones gone, created ones present and not ready yet. */
const apply = (pods: OwnedPod[], plan: ReturnType<typeof planDeployment>, round: number) => {
  const deleted = new Set(plan.actions.flatMap((a) => (a._tag === "Delete" ? [a.uid] : [])));
  const created = plan.actions.flatMap((a, i) =>
    a._tag === "Create"
      ? [
          {
            metadata: { ...a.pod.metadata, name: `new-${round}-${i}`, uid: `n-${round}-${i}` },
            status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] },
          } as OwnedPod,
        ]
      : [],
  );
  return [...pods.filter((p) => !deleted.has(p.metadata?.uid ?? "")), ...created];
};

test("one plan: deletes are owned, distinct and not already going; the current template reaches replicas", () => {
  fc.assert(
    fc.property(deploymentArb, fc.array(podArb, { maxLength: 8 }), (spec, podSpecs) => {
      const d = makeDeployment(spec);
      const pods = podSpecs.map((p, i) => makePod(d, p, i));
      const plan = planDeployment(d, pods, NOW);
      const deletes = plan.actions.flatMap((a) => (a._tag === "Delete" ? [a.uid] : []));
      expect(new Set(deletes).size).toBe(deletes.length);
      for (const uid of deletes) {
        const pod = pods.find((p) => p.metadata?.uid === uid);
        expect(pod?.metadata?.deletionTimestamp).toBeUndefined();
      }
      const readyCurrent = pods.filter((p) => live(p) && isCurrent(d, p) && ready(p)).length;
      for (const uid of deletes) {
        const pod = pods.find((p) => p.metadata?.uid === uid)!;
        if (live(pod) && !isCurrent(d, pod) && ready(pod))
          expect(spec.recreate || readyCurrent >= spec.replicas).toBe(true);
      }
      const after = apply(pods, plan, 0).filter(live);
      // Recreate creates nothing while old pods run: they have to be gone first.
      const oldRunning = pods.some((p) => live(p) && !isCurrent(d, p));
      if (!(spec.recreate && oldRunning))
        expect(after.filter((p) => isCurrent(d, p)).length).toBe(spec.replicas);
      expect(plan.status.replicas).toBe(pods.filter(live).length);
      expect(plan.status.updatedReplicas).toBeLessThanOrEqual(plan.status.replicas);
      expect(plan.status.observedGeneration).toBe(3);
      expect(plan.status.selector).toBe("app=web");
    }),
  );
});

test("a simulated controller converges to a complete rollout with no further actions", () => {
  fc.assert(
    fc.property(deploymentArb, fc.array(podArb, { maxLength: 8 }), (spec, podSpecs) => {
      let d = makeDeployment(spec);
      let pods = podSpecs.map((p, i) => makePod(d, p, i));
      for (let round = 1; round <= 4; round++) {
        const plan = planDeployment(d, pods, NOW);
        d = { ...d, status: plan.status };
        // Terminating pods finish, every running pod turns ready before the next round.
        pods = apply(pods, plan, round)
          .filter((p) => p.metadata?.deletionTimestamp === undefined)
          .map((p) =>
            live(p)
              ? { ...p, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }
              : p,
          );
      }
      const final = planDeployment(d, pods, NOW);
      expect(final.actions).toEqual([]);
      const s = final.status;
      expect(s.updatedReplicas).toBe(spec.replicas);
      expect(s.replicas).toBe(s.updatedReplicas);
      expect(s.availableReplicas).toBeGreaterThanOrEqual(s.updatedReplicas);
      const conditions = Object.fromEntries(s.conditions.map((c) => [c.type, c]));
      expect(conditions.Available?.status).toBe("True");
      expect(conditions.Progressing?.reason).toBe("NewReplicaSetAvailable");
    }),
  );
});

test("created pods carry the template's labels, the hash and a controller reference", () => {
  const d = makeDeployment({ replicas: 1, recreate: false, image: "a" });
  const [action] = planDeployment(d, [], NOW).actions;
  expect(action?._tag).toBe("Create");
  const pod = action!._tag === "Create" ? action!.pod : undefined;
  expect(pod?.metadata?.generateName).toBe(`web-${templateHash(d.spec?.template)}-`);
  expect(pod?.metadata?.labels).toEqual({ app: "web", [POD_TEMPLATE_HASH]: templateHash(d.spec?.template) });
  expect(pod?.metadata?.ownerReferences).toEqual([
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      uid: "d-uid",
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  expect(templateHash(template("a"))).not.toBe(templateHash(template("b")));
  expect(templateHash({ spec: { b: 1, a: 2 } })).toBe(templateHash({ spec: { a: 2, b: 1 } }));
});
