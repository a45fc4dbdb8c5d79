// Model test: random create/update/patch/delete sequences against a real server over HTTP, compared with a
// small reference model. Checks conflict detection, monotonic resourceVersions, garbage collection (no
// object left pointing at a missing owner) and that a watch replays exactly the committed changes in order.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { eventually, type Running, start } from "../../integration/apiserver/helpers";

const NAMES = ["a", "b", "c", "d"] as const;
type Name = (typeof NAMES)[number];

type Command =
  | { op: "create"; name: Name; owner: Name | null }
  | { op: "update"; name: Name; stale: boolean; value: number }
  | { op: "patch"; name: Name; value: number }
  | { op: "delete"; name: Name; policy: "Background" | "Foreground" | "Orphan" };

const name = fc.constantFrom(...NAMES);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), name, owner: fc.option(name, { nil: null }) }),
  fc.record({ op: fc.constant("update" as const), name, stale: fc.boolean(), value: fc.nat(99) }),
  fc.record({ op: fc.constant("patch" as const), name, value: fc.nat(99) }),
  fc.record({
    op: fc.constant("delete" as const),
    name,
    policy: fc.constantFrom("Background" as const, "Foreground" as const, "Orphan" as const),
  }),
);

interface Obj {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    ownerReferences?: Array<{ uid: string; name: string }>;
  };
  data?: Record<string, string>;
}

interface ModelEntry {
  uid: string;
  rv: string;
  /** A resourceVersion this object had before its latest write, for stale updates. */
  previousRv: string | undefined;
  value: string | undefined;
  owners: Array<{ uid: string; name: string }>;
}

const PATH = "/api/v1/namespaces/default/configmaps";

interface WatchEvent {
  type: string;
  object: Obj;
}

const collectWatch = (env: Running, rv: string) => {
  const events: WatchEvent[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${env.server.url}${PATH}?watch=true&resourceVersion=${rv}`, {
      headers: { authorization: `Bearer ${env.server.token}` },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += new TextDecoder().decode(value);
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) events.push(JSON.parse(line) as WatchEvent);
        nl = buf.indexOf("\n");
      }
    }
  })().catch(() => {});
  return { events, stop: () => controller.abort(), done };
};

/** Which objects the garbage collector removes once `gone` objects no longer exist (owners all gone). */
const collect = (model: Map<string, ModelEntry>): void => {
  for (;;) {
    const uids = new Set([...model.values()].map((e) => e.uid));
    const orphaned = [...model.entries()].filter(
      ([, e]) => e.owners.length > 0 && e.owners.every((o) => !uids.has(o.uid)),
    );
    if (orphaned.length === 0) return;
    for (const [n] of orphaned) model.delete(n);
  }
};

const dependentsOf = (model: Map<string, ModelEntry>, uid: string): string[] =>
  [...model.entries()].filter(([, e]) => e.owners.some((o) => o.uid === uid)).map(([n]) => n);

const run = async (commands: Command[]): Promise<void> => {
  const env = await start();
  try {
    const initial = (await (await env.request("GET", PATH)).json()) as {
      metadata: { resourceVersion: string };
    };
    const watch = collectWatch(env, initial.metadata.resourceVersion);
    const model = new Map<string, ModelEntry>();
    const committed: Array<{ type: string; rv: string }> = [];
    let lastRv = Number(initial.metadata.resourceVersion);
    const advance = (rv: string) => {
      expect(Number(rv)).toBeGreaterThan(lastRv);
      lastRv = Number(rv);
    };

    for (const c of commands) {
      const current = model.get(c.name);
      switch (c.op) {
        case "create": {
          const owner = c.owner !== null ? model.get(c.owner) : undefined;
          const ownerReferences = owner
            ? [
                {
                  apiVersion: "v1",
                  kind: "ConfigMap",
                  name: c.owner!,
                  uid: owner.uid,
                  blockOwnerDeletion: true,
                },
              ]
            : undefined;
          const res = await env.request("POST", PATH, {
            metadata: { name: c.name, ...(ownerReferences ? { ownerReferences } : {}) },
          });
          if (current) {
            expect(res.status).toBe(409);
            break;
          }
          expect(res.status).toBe(201);
          const o = (await res.json()) as Obj;
          advance(o.metadata.resourceVersion);
          committed.push({ type: "ADDED", rv: o.metadata.resourceVersion });
          model.set(c.name, {
            uid: o.metadata.uid,
            rv: o.metadata.resourceVersion,
            previousRv: undefined,
            value: undefined,
            owners: owner ? [{ uid: owner.uid, name: c.owner! }] : [],
          });
          break;
        }
        case "update":
        case "patch": {
          const value = String(c.value);
          const res =
            c.op === "update"
              ? await env.request("PUT", `${PATH}/${c.name}`, {
                  metadata: {
                    name: c.name,
                    resourceVersion:
                      c.stale && current?.previousRv ? current.previousRv : (current?.rv ?? "1"),
                    ...(current?.owners.length
                      ? {
                          ownerReferences: current.owners.map((o) => ({
                            apiVersion: "v1",
                            kind: "ConfigMap",
                            ...o,
                            blockOwnerDeletion: true,
                          })),
                        }
                      : {}),
                  },
                  data: { v: value },
                })
              : await env.request(
                  "PATCH",
                  `${PATH}/${c.name}`,
                  { data: { v: value } },
                  "application/merge-patch+json",
                );
          if (!current) {
            expect(res.status).toBe(404);
            break;
          }
          if (c.op === "update" && c.stale && current.previousRv) {
            expect(res.status).toBe(409);
            break;
          }
          expect(res.status).toBe(200);
          const o = (await res.json()) as Obj;
          if (current.value === value) {
            // A write that changes nothing is not a new version.
            expect(o.metadata.resourceVersion).toBe(current.rv);
            break;
          }
          advance(o.metadata.resourceVersion);
          committed.push({ type: "MODIFIED", rv: o.metadata.resourceVersion });
          model.set(c.name, { ...current, previousRv: current.rv, rv: o.metadata.resourceVersion, value });
          break;
        }
        case "delete": {
          const res = await env.request("DELETE", `${PATH}/${c.name}?propagationPolicy=${c.policy}`);
          if (!current) {
            expect(res.status).toBe(404);
            break;
          }
          expect(res.status).toBe(200);
          const o = (await res.json()) as Obj;
          advance(o.metadata.resourceVersion);
          const deps = dependentsOf(model, current.uid);
          if (c.policy === "Orphan") for (const d of deps) model.get(d)!.owners = [];
          if (c.policy === "Foreground") {
            // Dependents (and theirs) go first; the owner goes when none is left.
            const doomed = new Set<string>([c.name]);
            for (const d of doomed) for (const dep of dependentsOf(model, model.get(d)!.uid)) doomed.add(dep);
            for (const d of doomed) model.delete(d);
          }
          model.delete(c.name);
          collect(model);
          // Garbage collection runs in the background: wait until the server shows the model's state.
          const expected = [...model.keys()].sort();
          const live = await eventually(async () => {
            const list = (await (await env.request("GET", PATH)).json()) as { items: Obj[] };
            const names = list.items.map((i) => i.metadata.name).sort();
            return JSON.stringify(names) === JSON.stringify(expected) ? list.items : undefined;
          });
          for (const item of live) {
            const m = model.get(item.metadata.name)!;
            m.rv = item.metadata.resourceVersion;
            m.previousRv = undefined;
            m.owners = (item.metadata.ownerReferences ?? []).map((r) => ({ uid: r.uid, name: r.name }));
            lastRv = Math.max(lastRv, Number(item.metadata.resourceVersion));
          }
          const list = (await (await env.request("GET", PATH)).json()) as {
            metadata: { resourceVersion: string };
          };
          lastRv = Number(list.metadata.resourceVersion);
          break;
        }
      }
    }

    // The final state: what the model says, and no object pointing at a missing owner.
    const final = (await (await env.request("GET", PATH)).json()) as {
      items: Obj[];
      metadata: { resourceVersion: string };
    };
    expect(final.items.map((i) => i.metadata.name).sort()).toEqual([...model.keys()].sort());
    const uids = new Set(final.items.map((i) => i.metadata.uid));
    for (const i of final.items)
      for (const r of i.metadata.ownerReferences ?? []) expect(uids.has(r.uid)).toBe(true);

    // The watch saw every committed write, in resourceVersion order, and replaying it gives the final state.
    await eventually(() => {
      const last = watch.events[watch.events.length - 1];
      return final.metadata.resourceVersion === initial.metadata.resourceVersion ||
        last?.object.metadata.resourceVersion === final.metadata.resourceVersion
        ? true
        : undefined;
    });
    watch.stop();
    await watch.done;
    const rvs = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
    expect(new Set(rvs).size).toBe(rvs.length);
    const byRv = new Map(watch.events.map((e) => [e.object.metadata.resourceVersion, e.type]));
    for (const c of committed) expect(byRv.get(c.rv)).toBe(c.type);
    const replayed = new Map<string, string>();
    for (const e of watch.events) {
      if (e.type === "DELETED") replayed.delete(e.object.metadata.name);
      else replayed.set(e.object.metadata.name, e.object.metadata.resourceVersion);
    }
    expect(Object.fromEntries(replayed)).toEqual(
      Object.fromEntries(final.items.map((i) => [i.metadata.name, i.metadata.resourceVersion])),
    );
  } finally {
    await env.server.stop();
  }
};

test("random operations agree with the reference model", async () => {
  await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), run), { numRuns: 20 });
}, 120_000);
