// Restarts on the same SQLite file, the bounded watch window (410 Gone), and watchers that stop reading.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, type Running, start } from "./helpers";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "apiserver-durable-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface WatchLine {
  type: string;
  object: { metadata: { name?: string; resourceVersion: string }; code?: number; reason?: string };
}

/** Reads watch lines until `until` says stop (or the stream ends). */
const readWatch = async (res: Response, until: (lines: WatchLine[]) => boolean): Promise<WatchLine[]> => {
  const lines: WatchLine[] = [];
  const reader = res.body!.getReader();
  let buf = "";
  try {
    while (!until(lines)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) lines.push(JSON.parse(line) as WatchLine);
        nl = buf.indexOf("\n");
      }
    }
  } finally {
    await reader.cancel();
  }
  return lines;
};

const cm = (name: string) => ({ metadata: { name }, data: { v: name } });

describe("restart", () => {
  test("objects and the resourceVersion sequence survive; old watches resume or get 410", async () => {
    const file = join(dir, "restart.db");
    let env: Running = await start({ storage: file, watchWindow: 50 });
    const rvs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await env.request("POST", "/api/v1/namespaces/default/configmaps", cm(`c${i}`));
      rvs.push(Number(((await res.json()) as WatchLine["object"]).metadata.resourceVersion));
    }
    await env.server.stop();

    env = await start({ storage: file, watchWindow: 50 });
    try {
      const list = (await (await env.request("GET", "/api/v1/namespaces/default/configmaps")).json()) as {
        items: unknown[];
        metadata: { resourceVersion: string };
      };
      expect(list.items).toHaveLength(5);
      expect(Number(list.metadata.resourceVersion)).toBe(rvs[4]!);
      const next = (await (
        await env.request("POST", "/api/v1/namespaces/default/configmaps", cm("after"))
      ).json()) as WatchLine["object"];
      expect(Number(next.metadata.resourceVersion)).toBe(rvs[4]! + 1);
      // A watch from before the restart replays what it missed, in order.
      const res = await env.request(
        "GET",
        `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rvs[1]}`,
      );
      const lines = await readWatch(res, (l) => l.length >= 4);
      expect(lines.map((l) => `${l.type} ${l.object.metadata.name}`)).toEqual([
        "ADDED c2",
        "ADDED c3",
        "ADDED c4",
        "ADDED after",
      ]);
    } finally {
      await env.server.stop();
    }
  });
});

describe("watch window", () => {
  let env: Running;
  beforeAll(async () => {
    env = await start({ watchWindow: 10 });
  });
  afterAll(() => env.server.stop());

  test("a version older than the window gets an ERROR event with 410 Expired", async () => {
    for (let i = 0; i < 30; i++)
      await env.request("POST", "/api/v1/namespaces/default/configmaps", cm(`w${i}`));
    const res = await env.request(
      "GET",
      "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2",
    );
    expect(res.status).toBe(200);
    const lines = await readWatch(res, (l) => l.length >= 1);
    expect(lines[0]!.type).toBe("ERROR");
    expect(lines[0]!.object.code).toBe(410);
    expect(lines[0]!.object.reason).toBe("Expired");
  });

  test("sendInitialEvents sends the current state, then the initial-events-end bookmark", async () => {
    const res = await env.request(
      "GET",
      "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=none%3Dx",
    );
    const lines = await readWatch(res, (l) => l.some((x) => x.type === "BOOKMARK"));
    expect(lines.map((l) => l.type)).toEqual(["BOOKMARK"]);
    expect(JSON.stringify(lines[0])).toContain("k8s.io/initial-events-end");
  });

  test("timeoutSeconds ends the stream", async () => {
    const res = await env.request(
      "GET",
      "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion=1000000",
    );
    const lines = await readWatch(res, () => false);
    expect(lines).toEqual([]);
  });
});

describe("slow watchers", () => {
  let env: Running;
  beforeAll(async () => {
    env = await start({ watchQueueLimit: 20 });
  });
  afterAll(() => env.server.stop());

  test("a watcher that stops reading is dropped without stalling the others", async () => {
    const slow = await env.request(
      "GET",
      "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0",
    );
    // `slow` is never read while the flood runs. A client that keeps reading, and re-watches from its last
    // version whenever its stream ends (as every Kubernetes client does), must see every event in order.
    const start = (
      (await (await env.request("GET", "/api/v1/namespaces/default/configmaps")).json()) as {
        metadata: { resourceVersion: string };
      }
    ).metadata.resourceVersion;
    const total = 400;
    const big = "x".repeat(32 * 1024);
    const writes = (async () => {
      for (let i = 0; i < total; i++) {
        await env.request("POST", "/api/v1/namespaces/default/configmaps", {
          metadata: { name: `flood-${i}` },
          data: { big },
        });
      }
    })();
    const seen: string[] = [];
    let rv = start;
    while (seen.length < total) {
      const res = await env.request(
        "GET",
        `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`,
      );
      const lines = await readWatch(res, (l) => seen.length + l.length >= total).catch(
        () => [] as WatchLine[],
      );
      for (const l of lines) {
        if (l.type !== "ADDED") throw new Error(`unexpected ${l.type}: ${JSON.stringify(l.object)}`);
        seen.push(l.object.metadata.name!);
        rv = l.object.metadata.resourceVersion;
      }
    }
    await writes;
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `flood-${i}`));
    // The server closed the slow stream: reading it now reaches its end instead of waiting forever.
    const text = await slow.text().catch(() => "reset");
    expect(text.length).toBeGreaterThan(0);
  });
});

describe("namespaces", () => {
  let env: Running;
  beforeAll(async () => {
    env = await start();
  });
  afterAll(() => env.server.stop());

  test("deleting a namespace removes its contents, then the namespace", async () => {
    await env.request("POST", "/api/v1/namespaces", { metadata: { name: "doomed" } });
    await env.request("POST", "/api/v1/namespaces/doomed/configmaps", cm("a"));
    await env.request("POST", "/api/v1/namespaces/doomed/secrets", {
      metadata: { name: "s" },
      stringData: { k: "v" },
    });
    await env.request("POST", "/api/v1/namespaces/doomed/configmaps", {
      metadata: { name: "held", finalizers: ["x/y"] },
    });
    const del = await env.request("DELETE", "/api/v1/namespaces/doomed");
    expect(((await del.json()) as { status: { phase: string } }).status.phase).toBe("Terminating");
    // New content is refused while it terminates.
    expect((await env.request("POST", "/api/v1/namespaces/doomed/configmaps", cm("late"))).status).toBe(403);
    await eventually(async () => {
      const list = (await (await env.request("GET", "/api/v1/namespaces/doomed/configmaps")).json()) as {
        items: unknown[];
      };
      return list.items.length === 1 ? true : undefined;
    });
    // The finalizer holds the last object (and so the namespace) until it is removed.
    expect((await env.request("GET", "/api/v1/namespaces/doomed")).status).toBe(200);
    await env.request(
      "PATCH",
      "/api/v1/namespaces/doomed/configmaps/held",
      { metadata: { finalizers: null } },
      "application/merge-patch+json",
    );
    await eventually(async () =>
      (await env.request("GET", "/api/v1/namespaces/doomed")).status === 404 ? true : undefined,
    );
    expect((await env.request("DELETE", "/api/v1/namespaces/default")).status).toBe(403);
  });
});
