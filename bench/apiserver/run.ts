// API server benchmark: creates per second (memory and SQLite file), write latency and the event loop's
// longest stall while 20 MB of writes go to a file (the store's checkpoints), watch fan-out latency to 100
// watchers, and listing 10,000 objects. Writes bench/results/apiserver.json and prints a summary line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServerHandle, startApiServer } from "../../src/apiserver/index";
import { percentile } from "../percentile";

const CREATES = Number(process.env.BENCH_CREATES ?? 3000);
const CONCURRENCY = 16;
const WATCHERS = 100;
const FANOUT_EVENTS = 200;
const LIST_SIZE = 10_000;
/** About 20 MB of stored JSON: several checkpoints of the store's write-ahead log. */
const STALL_WRITES = Number(process.env.BENCH_STALL_WRITES ?? 8000);
const STALL_PAYLOAD = 2048;

const client = (s: ApiServerHandle) => (method: string, path: string, body?: unknown) =>
  fetch(s.url + path, {
    method,
    headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/**
 * Creates `n` ConfigMaps (`payload` bytes of data each) with `CONCURRENCY` requests in flight; returns creates
 * per second and each create's latency.
 */
const createMany = async (
  s: ApiServerHandle,
  n: number,
  prefix: string,
  payload = 256,
): Promise<{ perSecond: number; latencies: number[] }> => {
  const req = client(s);
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        const sent = performance.now();
        const res = await req("POST", "/api/v1/namespaces/default/configmaps", {
          metadata: { name: `${prefix}-${i}`, labels: { bench: prefix } },
          data: { payload: "x".repeat(payload) },
        });
        if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { perSecond: n / ((performance.now() - t0) / 1000), latencies };
};

const createsPerSecond = async (storage: string): Promise<number> => {
  const s = await startApiServer({ port: 0, storage });
  try {
    return (await createMany(s, CREATES, "c")).perSecond;
  } finally {
    await s.stop();
  }
};

/** The longest the event loop went without running a 1 ms timer while `work` ran (one turn's length). */
const longestStall = async <A>(work: () => Promise<A>): Promise<{ result: A; stallMs: number }> => {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    return { result: await work(), stallMs: longest };
  } finally {
    clearInterval(timer);
  }
};

/** Write latency and the longest event-loop stall while ~20 MB of 2 KiB objects go to a SQLite file. */
const writeStalls = async (storage: string) => {
  const s = await startApiServer({ port: 0, storage });
  try {
    const { result, stallMs } = await longestStall(() => createMany(s, STALL_WRITES, "w", STALL_PAYLOAD));
    return {
      p50: percentile(result.latencies, 50),
      p99: percentile(result.latencies, 99),
      max: percentile(result.latencies, 100),
      stallMs,
    };
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
  const stalls = await writeStalls(join(dir, "stalls.db"));
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
    fileWrites: {
      objects: STALL_WRITES,
      payloadBytes: STALL_PAYLOAD,
      concurrency: CONCURRENCY,
      p50Ms: stalls.p50,
      p99Ms: stalls.p99,
      maxMs: stalls.max,
      longestEventLoopStallMs: stalls.stallMs,
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
      `file writes of ${STALL_PAYLOAD} B p99=${stalls.p99.toFixed(1)}ms max=${stalls.max.toFixed(1)}ms ` +
      `longest event-loop stall=${stalls.stallMs.toFixed(1)}ms; ` +
      `watch fan-out (${WATCHERS} watchers) p50=${fan.p50.toFixed(1)}ms p99=${fan.p99.toFixed(1)}ms; ` +
      `list ${LIST_SIZE} objects p50=${list.ms.toFixed(0)}ms (${(list.bytes / 1e6).toFixed(1)} MB)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
