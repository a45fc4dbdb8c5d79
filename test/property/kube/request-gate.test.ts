import { expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { RequestGate } from "../../../src/kube/request-gate";

setDefaultTimeout(60_000);

/** Lets every settled promise's continuations run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

type Step =
  | { readonly kind: "submit" }
  | { readonly kind: "finish"; readonly pick: number; readonly fail: boolean }
  | { readonly kind: "abort"; readonly pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: "submit" }),
  fc.record({ kind: fc.constant("finish" as const), pick: fc.nat(), fail: fc.boolean() }),
  fc.record({ kind: fc.constant("abort" as const), pick: fc.nat() }),
);

interface Submitted {
  readonly id: number;
  readonly abort: AbortController;
  started: boolean;
  /** Ends the task, once started. */
  end?: (fail: boolean) => void;
  outcome?: "ok" | "failed" | "aborted";
}

// The gate against its rules, under random submissions, completions (some failing) and aborts of waiting
// requests: never more than `limit` running; a free place always goes to the oldest request still waiting;
// an aborted request never runs and rejects with its signal's reason; a failing task frees its place too.
test("a request gate keeps its limit and its order through finishes, failures and aborts", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.array(step, { maxLength: 60 }),
      async (limit, steps) => {
        const gate = new RequestGate(limit);
        const all: Submitted[] = [];
        const startOrder: number[] = [];
        const running = () => all.filter((s) => s.started && s.outcome === undefined);
        const waiting = () => all.filter((s) => !s.started && s.outcome === undefined);

        const submit = () => {
          const s: Submitted = { id: all.length, abort: new AbortController(), started: false };
          all.push(s);
          gate
            .run(
              s.abort.signal,
              () =>
                new Promise<string>((resolve, reject) => {
                  s.started = true;
                  startOrder.push(s.id);
                  s.end = (fail) => (fail ? reject(new Error("task failed")) : resolve("done"));
                }),
            )
            .then(
              () => {
                s.outcome = "ok";
              },
              (e: unknown) => {
                s.outcome = e === s.abort.signal.reason ? "aborted" : "failed";
              },
            );
        };

        for (const st of steps) {
          if (st.kind === "submit") submit();
          else if (st.kind === "finish") {
            const r = running();
            if (r.length > 0) r[st.pick % r.length]?.end?.(st.fail);
          } else {
            const w = waiting();
            if (w.length > 0) w[st.pick % w.length]?.abort.abort(new Error("given up"));
          }
          await settle();
          const r = running();
          expect(r.length).toBeLessThanOrEqual(limit);
          // Nobody waits while a place is free.
          if (waiting().length > 0) expect(r.length).toBe(limit);
          expect(all.filter((s) => s.outcome === "aborted").every((s) => !s.started)).toBe(true);
        }
        // Places are handed on in arrival order.
        expect(startOrder).toEqual([...startOrder].sort((a, b) => a - b));

        // Quiescence: finishing everything runs every request that was not aborted, and frees every place.
        for (;;) {
          const r = running();
          if (r.length === 0) break;
          for (const s of r) s.end?.(false);
          await settle();
        }
        expect(all.every((s) => s.outcome !== undefined)).toBe(true);
        expect(all.filter((s) => s.outcome !== "aborted").every((s) => s.started)).toBe(true);
        const free = Promise.withResolvers<void>();
        let startedLater = 0;
        const later = Array.from({ length: limit }, () =>
          gate.run(new AbortController().signal, () => {
            startedLater++;
            return free.promise;
          }),
        );
        await settle();
        expect(startedLater).toBe(limit);
        free.resolve();
        await Promise.all(later);
      },
    ),
    { numRuns: 300 },
  );
});

test("a request whose signal is already aborted never waits", async () => {
  const gate = new RequestGate(1);
  const release = Promise.withResolvers<void>();
  const first = gate.run(new AbortController().signal, () => release.promise);
  const aborted = new AbortController();
  aborted.abort(new Error("too late"));
  await expect(gate.run(aborted.signal, async () => "ran")).rejects.toThrow("too late");
  release.resolve();
  await first;
});

test("a limit that is not a whole number of at least 1 is refused", () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new RequestGate(bad)).toThrow(RangeError);
});
