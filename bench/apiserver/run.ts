// API server benchmark: creates per second (memory and SQLite file), watch fan-out latency to 100
// watchers, and listing 10,000 objects. Writes bench/results/apiserver.json and prints a summary line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServerHandle, startApiServer } from "../../src/apiserver/index";

const CREATES = Number(process.env.BENCH_CREATES ?? 3000);
const CONCURRENCY = 16;
const WATCHERS = 100;
const FANOUT_EVENTS = 200;
const LIST_SIZE = 10_000;

const client = (s: ApiServerHandle) => (method: string, path: string, body?: unknown) =>
  fetch(s.url + path, {
    method,
    headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Creates `n` ConfigMaps with `CONCURRENCY` requests in flight; returns creates per second. */
const createMany = async (s: ApiServerHandle, n: number, prefix: string): Promise<number> => {
  const req = client(s);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        const res = await req("POST", "/api/v1/namespaces/default/configmaps", {
          metadata: { name: `${prefix}-${i}`, labels: { bench: prefix } },
          data: { payload: "x".repeat(256) },
        });
        if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
};

const createsPerSecond = async (storage: string): Promise<number> => {
  const s = await startApiServer({ port: 0, storage });
  try {
    return await createMany(s, CREATES, "c");
  } finally {
    await s.stop();
  }
};

/** Latency from sending a write to each of 100 watchers receiving its event. */
const fanOut = async (): Promise<{ p50: number; p99: number; max: number }> => {
  const s = await startApiServer({ port: 0 });
  const req = client(s);
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const aborts: AbortController[] = [];
  try {
    const list = (await (await req("GET", "/api/v1/namespaces/default/configmaps")).json()) as {
      metadata: { resourceVersion: string };
    };
    let open = 0;
    const readers = Array.from({ length: WATCHERS }, async () => {
      const ctl = new AbortController();
      aborts.push(ctl);
      const res = await fetch(
        `${s.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
        { headers: { authorization: `Bearer ${s.token}` }, signal: ctl.signal },
      );
      open++;
      const reader = res.body!.getReader();
      let buf = "";
      let seen = 0;
      while (seen < FANOUT_EVENTS) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line) continue;
          const name = (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;
          const t = sent.get(name);
          if (t !== undefined) latencies.push(performance.now() - t);
          seen++;
        }
      }
    });
    while (open < WATCHERS) await Bun.sleep(10);
    for (let i = 0; i < FANOUT_EVENTS; i++) {
      const name = `f-${i}`;
      sent.set(name, performance.now());
      const res = await req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name } });
      await res.arrayBuffer();
    }
    await Promise.all(readers);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    };
  } finally {
    for (const a of aborts) a.abort();
    await s.stop();
  }
};

const listLarge = async (): Promise<{ ms: number; bytes: number }> => {
  const s = await startApiServer({ port: 0 });
  try {
    await createMany(s, LIST_SIZE, "l");
    const req = client(s);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const body = await (await req("GET", "/api/v1/namespaces/default/configmaps")).arrayBuffer();
      times.push(performance.now() - t0);
      bytes = body.byteLength;
    }
    return { ms: percentile(times, 50), bytes };
  } finally {
    await s.stop();
  }
};

const dir = mkdtempSync(join(tmpdir(), "apiserver-bench-"));
try {
  const memory = await createsPerSecond(":memory:");
  const sqlite = await createsPerSecond(join(dir, "bench.db"));
  const fan = await fanOut();
  const list = await listLarge();
  const results = {
    date: new Date().toISOString(),
    createsPerSecond: {
      memory: Math.round(memory),
      sqliteFile: Math.round(sqlite),
      concurrency: CONCURRENCY,
      n: CREATES,
    },
    watchFanOut: {
      watchers: WATCHERS,
      events: FANOUT_EVENTS,
      p50Ms: fan.p50,
      p99Ms: fan.p99,
      maxMs: fan.max,
    },
    list: { objects: LIST_SIZE, p50Ms: list.ms, bytes: list.bytes },
  };
  mkdirSync(join(import.meta.dir, "../results"), { recursive: true });
  writeFileSync(join(import.meta.dir, "../results/apiserver.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `apiserver: creates/s memory=${results.createsPerSecond.memory} sqlite=${results.createsPerSecond.sqliteFile}; ` +
      `watch fan-out (${WATCHERS} watchers) p50=${fan.p50.toFixed(1)}ms p99=${fan.p99.toFixed(1)}ms; ` +
      `list ${LIST_SIZE} objects p50=${list.ms.toFixed(0)}ms (${(list.bytes / 1e6).toFixed(1)} MB)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
