// The random steps the model tests draw: user actions, pod lifecycle, reconciles, cache lag, restarts, time
// and injected faults, weighted so that reconciles and claims dominate.
import fc from "fast-check";
import type { Step } from "./world";

const claimSpec = fc.record({
  policy: fc.constantFrom("Delete" as const, "DeleteForeground" as const, "Retain" as const),
  shutdownInS: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
  ttlS: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  env: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  badMetadata: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: claimSpec.map((spec) => ({ t: "createClaim" as const, spec })) },
  { weight: 1, arbitrary: fc.nat(20).map((i) => ({ t: "deleteClaim" as const, i })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 4 }).map((replicas) => ({ t: "resizePool" as const, replicas })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("image" as const, "metadata" as const)
      .map((what) => ({ t: "changeTemplate" as const, what })),
  },
  { weight: 1, arbitrary: fc.boolean().map((recreate) => ({ t: "strategy" as const, recreate })) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        i: fc.nat(20),
        to: fc.constantFrom(
          "ready" as const,
          "ready" as const,
          "failed" as const,
          "succeeded" as const,
          "deleted" as const,
        ),
      })
      .map((p) => ({ t: "pod" as const, ...p })),
  },
  { weight: 1, arbitrary: fc.boolean().map((suspended) => ({ t: "suspendSolo" as const, suspended })) },
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.nat(3), i: fc.nat(20) }).map((r) => ({ t: "reconcile" as const, ...r })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({ kind: fc.nat(6), fraction: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map((r) => ({ t: "cache" as const, ...r })),
  },
  { weight: 1, arbitrary: fc.constant({ t: "restart" as const }) },
  { weight: 3, arbitrary: fc.constant({ t: "claimBurst" as const }) },
  { weight: 3, arbitrary: fc.constant({ t: "podsStart" as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 90_000 }).map((ms) => ({ t: "tick" as const, ms })) },
  { weight: 2, arbitrary: fc.constant({ t: "gc" as const }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ conflict: fc.constantFrom(0, 0.1, 0.3), lost: fc.constantFrom(0, 0.05, 0.2) })
      .map((f) => ({ t: "faults" as const, ...f })),
  },
);
