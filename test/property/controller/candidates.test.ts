import { expect, test } from "bun:test";
import fc from "fast-check";
import type { v1beta1 } from "../../../src/api";
import { planClaim } from "../../../src/controller/claim/plan";
import { claimObj, claimObserved, member, NOW } from "../../support/claim-fixtures";

// The claim planner adopts what upstream's ranking puts first: among members that are adoptable (not being
// deleted, carrying the template-ref hash, controlled by the claim's pool, not reserved) and have a pod IP,
// Ready before not Ready, then the node with most adoptable members, then oldest, then name in byte order.
// The planner ranks in one pass with facts cached per object; this spells the ranking out as a sort.

interface MemberSpec {
  ready: boolean;
  routable: boolean;
  node: "n1" | "n2" | undefined;
  ageSeconds: number;
  deleting: boolean;
  templateRef: boolean;
  owner: "pool" | "other-pool" | "none";
  reserved: boolean;
}

const memberSpec: fc.Arbitrary<MemberSpec> = fc.record({
  ready: fc.boolean(),
  routable: fc.oneof(
    { weight: 3, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  node: fc.constantFrom("n1" as const, "n1" as const, "n2" as const, undefined),
  // Few distinct ages, so the later tie-breaks decide often.
  ageSeconds: fc.integer({ min: 1, max: 2 }),
  deleting: fc.oneof(
    { weight: 4, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  templateRef: fc.oneof(
    { weight: 5, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  owner: fc.constantFrom(
    "pool" as const,
    "pool" as const,
    "pool" as const,
    "other-pool" as const,
    "none" as const,
  ),
  reserved: fc.oneof(
    { weight: 4, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});

/** The fixture member, turned into what `m` describes. */
const candidate = (name: string, m: MemberSpec): v1beta1.Sandbox => {
  const base = member(name, m.ageSeconds * 1000, m.ready);
  const labels = { ...base.metadata.labels };
  if (!m.templateRef) delete labels["agents.x-k8s.io/sandbox-template-ref-hash"];
  const owner = base.metadata.ownerReferences?.[0];
  return {
    ...base,
    metadata: {
      ...base.metadata,
      labels,
      ...(m.deleting ? { deletionTimestamp: NOW.toISOString() } : {}),
      ownerReferences:
        m.owner === "none" || owner === undefined ? [] : [{ ...owner, name: m.owner, uid: `${m.owner}-uid` }],
    },
    status: {
      ...base.status,
      ...(m.node ? { nodeName: m.node } : {}),
      podIPs: m.routable ? ["10.0.0.1"] : [],
    },
  };
};

/** The ranking spelled out as a sort: the name of the member a claim should adopt, if any. */
const firstRanked = (
  named: ReadonlyArray<{ name: string; m: MemberSpec }>,
  reserved: ReadonlySet<string>,
): string | undefined => {
  const adoptable = named.filter(
    (x) => !x.m.deleting && x.m.templateRef && x.m.owner === "pool" && !reserved.has(x.name),
  );
  const perNode = (node: string | undefined) =>
    node === undefined ? 0 : adoptable.filter((x) => x.m.node === node).length;
  return adoptable
    .filter((x) => x.m.routable)
    .sort(
      (a, b) =>
        Number(b.m.ready) - Number(a.m.ready) ||
        perNode(b.m.node) - perNode(a.m.node) ||
        b.m.ageSeconds - a.m.ageSeconds ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    )[0]?.name;
};

test("the adopted member is the first of the ranking, spelled out as a sort", () => {
  fc.assert(
    fc.property(fc.array(memberSpec, { maxLength: 16 }), (specs) => {
      const named = specs.map((m, i) => ({ name: `m-${(i * 7) % 16}-${i}`, m }));
      const reserved = new Set(named.filter((x) => x.m.reserved).map((x) => x.name));
      const candidates = named.map((x) => candidate(x.name, x.m));
      const plan = planClaim(claimObserved(claimObj(), candidates, new Map(), reserved));
      expect(plan.adopting).toBe(firstRanked(named, reserved));
    }),
  );
});

test("claims served from one member list in turn each get what ranking afresh would give them", () => {
  // The ranking is kept per member list (the cache's array, until a member changes); each claim must still
  // skip what the claims before it reserved, as the controller reserves every member it adopts.
  fc.assert(
    fc.property(fc.array(memberSpec, { maxLength: 12 }), fc.integer({ min: 1, max: 14 }), (specs, claims) => {
      const named = specs.map((m, i) => ({ name: `m-${(i * 5) % 12}-${i}`, m }));
      const candidates = named.map((x) => candidate(x.name, x.m));
      const reserved = new Set(named.filter((x) => x.m.reserved).map((x) => x.name));
      for (let c = 0; c < claims; c++) {
        const plan = planClaim(claimObserved(claimObj(), candidates, new Map(), reserved));
        expect(plan.adopting).toBe(firstRanked(named, reserved));
        if (plan.adopting === undefined) break;
        reserved.add(plan.adopting);
      }
    }),
  );
});
