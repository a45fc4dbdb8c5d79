// Table output over HTTP (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): on watches only the
// first event carries columnDefinitions, as kube-apiserver sends them; unknown includeObject values are 400.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { collectText, eventually, type Running, serveWidgets, start } from "./helpers";

let env: Running;
const WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";
const TABLE = "application/json;as=Table;g=meta.k8s.io;v=v1";

interface TableEvent {
  readonly type: string;
  readonly object: {
    readonly kind: string;
    readonly columnDefinitions?: ReadonlyArray<{ name: string }>;
    readonly rows: ReadonlyArray<{ cells: unknown[]; object?: { kind: string } }>;
  };
}

const get = (path: string, signal?: AbortSignal) =>
  fetch(`${env.server.url}${path}`, {
    headers: { authorization: `Bearer ${env.server.token}`, accept: TABLE },
    ...(signal ? { signal } : {}),
  });

const createWidget = async (name: string, size: number) => {
  const res = await env.request("POST", WIDGETS, {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name },
    spec: { size },
  });
  expect(res.status).toBe(201);
};

/** A Table watch whose events (one JSON object per line) are read as they arrive. */
const openWatch = async (path: string) => {
  const abort = new AbortController();
  const res = await get(path, abort.signal);
  expect(res.status).toBe(200);
  const output = collectText(res.body!);
  const events = () =>
    output
      .text()
      .split("\n")
      .slice(0, -1)
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as TableEvent);
  return {
    waitFor: (n: number) => eventually(() => (events().length >= n ? events() : undefined)),
    close: async () => {
      abort.abort();
      await output.done;
    },
  };
};

beforeAll(async () => {
  env = await start();
  await serveWidgets(env);
  await createWidget("w1", 1);
  await createWidget("w2", 2);
});
afterAll(() => env.server.stop());

describe("Table watches", () => {
  test("column definitions come with the first event only; rows keep the printer columns", async () => {
    const watch = await openWatch(`${WIDGETS}?watch=true`);
    try {
      await watch.waitFor(2);
      await createWidget("w3", 3);
      const events = await watch.waitFor(3);
      expect(events.map((e) => e.type)).toEqual(["ADDED", "ADDED", "ADDED"]);
      expect(events.every((e) => e.object.kind === "Table")).toBe(true);
      expect(events[0]!.object.columnDefinitions?.map((c) => c.name)).toEqual(["Name", "Size"]);
      expect(events.slice(1).map((e) => "columnDefinitions" in e.object)).toEqual([false, false]);
      expect(events.map((e) => e.object.rows[0]!.cells)).toEqual([
        ["w1", 1],
        ["w2", 2],
        ["w3", 3],
      ]);
      expect(events[2]!.object.rows[0]!.object?.kind).toBe("PartialObjectMetadata");
    } finally {
      await watch.close();
    }
  });

  test("a watch resumed from a version also sends the columns with its first event", async () => {
    const list = (await (await env.request("GET", WIDGETS)).json()) as {
      metadata: { resourceVersion: string };
    };
    const watch = await openWatch(`${WIDGETS}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    try {
      await createWidget("w4", 4);
      await createWidget("w5", 5);
      const events = await watch.waitFor(2);
      expect(events.map((e) => "columnDefinitions" in e.object)).toEqual([true, false]);
    } finally {
      await watch.close();
    }
  });

  test("includeObject=None leaves rows without objects", async () => {
    const watch = await openWatch(`${WIDGETS}?watch=true&includeObject=None`);
    try {
      const [first] = await watch.waitFor(1);
      expect(first!.object.rows[0]).not.toHaveProperty("object");
    } finally {
      await watch.close();
    }
  });
});

describe("includeObject", () => {
  test("an unknown value is kube-apiserver's 400, on lists, gets and watches", async () => {
    for (const path of [
      `${WIDGETS}?includeObject=All`,
      `${WIDGETS}/w1?includeObject=All`,
      `${WIDGETS}?watch=1&includeObject=All`,
    ]) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        reason: "BadRequest",
        message:
          "Unable to convert to Table as requested: includeObject: Invalid value: \"All\": must be 'Metadata', 'Object', 'None', or empty",
      });
    }
  });

  test("empty means Metadata; without as=Table the parameter is not looked at", async () => {
    const table = (await (await get(`${WIDGETS}?includeObject=`)).json()) as TableEvent["object"];
    expect(table.rows[0]!.object?.kind).toBe("PartialObjectMetadata");
    expect((await env.request("GET", `${WIDGETS}?includeObject=All`)).status).toBe(200);
  });
});
