// The warm member a claim adopts: among the pool's adoptable members (not being deleted, carrying the
// template-ref hash, controlled by the pool, not stale under a Recreate pool) that no other claim is adopting
// right now and that have a pod IP, a Ready one if any, then the one on the node with most such members
// (packing), then the oldest, then by name (byte order, as upstream's Go sorts).
//
// A burst of N claims against a pool of N asked this about N times of a pool shrinking from N: a pass over
// the pool each time made the burst quadratic. The members a pool's label lists are kept as one array until
// one of them changes, so their ranking is worked out once per array and reused by every claim until then;
// a claim then skips only the members other claims are adopting. Node weights depend on those too, so with
// members on two nodes or more (where packing decides between them) each claim still ranks by a pass.
import type { v1beta1 } from "../../api";
import { nameHash } from "../../api";
import { type MemberFacts, memberFacts } from "../common/member-facts";
import type { ReservedNames } from "./reservations";

type Sandbox = v1beta1.Sandbox;

export interface CandidateQuery {
  /** Members of the claim's pool, as the cache lists them (the same array until one of them changes). */
  readonly candidates: ReadonlyArray<Sandbox>;
  readonly namespace: string | undefined;
  readonly pool: string;
  /** Members built from an older blueprint, under a Recreate pool; `key` names the blueprint. */
  readonly stale?: { readonly key: string; readonly test: (s: Sandbox) => boolean };
  readonly reserved: ReservedNames;
}

/** The member to adopt; without one, how many adoptable members are not reserved (some lack a pod IP). */
export type CandidatePick = { readonly pick: Sandbox } | { readonly pick: undefined; readonly valid: number };

interface Member {
  readonly s: Sandbox;
  readonly f: MemberFacts;
}

/** The pool's adoptable members, and when at most one node hosts them, the routable ones best first. */
interface Ranking {
  readonly adoptable: ReadonlyArray<Member>;
  readonly ranked: ReadonlyArray<Member> | undefined;
}

const rankings = new WeakMap<ReadonlyArray<Sandbox>, Map<string, Ranking>>();

const adoptableMembers = (q: CandidateQuery): Member[] => {
  const poolHash = nameHash(q.pool);
  const out: Member[] = [];
  for (const s of q.candidates) {
    const f = memberFacts(s);
    if (f.namespace !== q.namespace || f.poolHash !== poolHash || f.adoptableFrom !== q.pool) continue;
    if (q.stale?.test(s)) continue;
    out.push({ s, f });
  }
  return out;
};

/** Created earlier first, then by name. */
const byAgeName = (a: Member, b: Member): number =>
  a.f.created !== b.f.created
    ? a.f.created - b.f.created
    : a.f.name < b.f.name
      ? -1
      : a.f.name > b.f.name
        ? 1
        : 0;

const readyFirst = (a: Member, b: Member): number => (a.f.ready === b.f.ready ? 0 : a.f.ready ? -1 : 1);

const rank = (adoptable: ReadonlyArray<Member>): Ranking => {
  const nodes = new Set<string>();
  for (const m of adoptable) if (m.f.node !== undefined) nodes.add(m.f.node);
  if (nodes.size > 1) return { adoptable, ranked: undefined };
  // One node at most: every member on it weighs as much as the others there (at least one, itself), more
  // than a member with no node (none), so the weight only puts node before no node.
  const nodeFirst = (a: Member, b: Member) => Number(b.f.node !== undefined) - Number(a.f.node !== undefined);
  const ranked = adoptable
    .filter((m) => m.f.routable)
    .sort((a, b) => readyFirst(a, b) || nodeFirst(a, b) || byAgeName(a, b));
  return { adoptable, ranked };
};

const rankingOf = (q: CandidateQuery): Ranking => {
  const key = `${q.namespace ?? ""}/${q.pool}/${q.stale?.key ?? ""}`;
  let byQuery = rankings.get(q.candidates);
  if (byQuery === undefined) {
    byQuery = new Map();
    rankings.set(q.candidates, byQuery);
  }
  let ranking = byQuery.get(key);
  if (ranking === undefined) {
    ranking = rank(adoptableMembers(q));
    byQuery.set(key, ranking);
  }
  return ranking;
};

const countValid = (adoptable: ReadonlyArray<Member>, reserved: ReservedNames): number => {
  let n = 0;
  for (const m of adoptable) if (!reserved.has(m.f.name)) n++;
  return n;
};

/** The ranking spelled out over the members left once reservations are skipped (two nodes or more). */
const pickByPass = (adoptable: ReadonlyArray<Member>, reserved: ReservedNames): CandidatePick => {
  const valid = adoptable.filter((m) => !reserved.has(m.f.name));
  const perNode = new Map<string, number>();
  for (const { f } of valid) if (f.node !== undefined) perNode.set(f.node, (perNode.get(f.node) ?? 0) + 1);
  let best: { m: Member; weight: number } | undefined;
  for (const m of valid) {
    if (!m.f.routable) continue;
    const weight = m.f.node !== undefined ? (perNode.get(m.f.node) ?? 0) : 0;
    const better =
      best === undefined ||
      (m.f.ready !== best.m.f.ready
        ? m.f.ready
        : best.weight !== weight
          ? weight > best.weight
          : byAgeName(m, best.m) < 0);
    if (better) best = { m, weight };
  }
  return best ? { pick: best.m.s } : { pick: undefined, valid: valid.length };
};

export const pickCandidate = (q: CandidateQuery): CandidatePick => {
  const { adoptable, ranked } = rankingOf(q);
  if (ranked === undefined) return pickByPass(adoptable, q.reserved);
  const pick = ranked.find((m) => !q.reserved.has(m.f.name));
  return pick ? { pick: pick.s } : { pick: undefined, valid: countValid(adoptable, q.reserved) };
};
