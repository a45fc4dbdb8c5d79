// `?fieldValidation=Strict|Warn|Ignore` over HTTP: unknown fields (custom resource schemas, ObjectMeta of
// every kind) and duplicate JSON keys refused, warned about or dropped on create, update and patch, with
// kube-apiserver's statuses and wording.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Running, serveWidgets, start } from "./helpers";

let env: Running;

const WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";
const CM = "/api/v1/namespaces/default/configmaps";

beforeAll(async () => {
  env = await start();
  await serveWidgets(env);
});
afterAll(() => env.server.stop());

const widget = (name: string, spec: object, metadata: object = {}) => ({
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: { name, ...metadata },
  spec,
});

const warningsOf = (res: Response): string[] =>
  (res.headers.get("warning") ?? "")
    .split(/,(?= ?299 )/)
    .map((h) => h.trim())
    .filter((h) => h !== "")
    .map((h) => Buffer.from(h, "latin1").toString("utf8"));

interface Status {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly details?: {
    readonly causes?: ReadonlyArray<{ field?: string; reason?: string; message: string }>;
  };
}

const statusOf = async (res: Response): Promise<Status> => (await res.json()) as Status;

const specOf = async (path: string): Promise<Record<string, unknown>> =>
  ((await (await env.request("GET", path)).json()) as { spec: Record<string, unknown> }).spec;

describe("create", () => {
  test("Strict refuses unknown fields with kube's 400 and keeps nothing", async () => {
    const res = await env.request(
      "POST",
      `${WIDGETS}?fieldValidation=Strict`,
      widget("strict", { size: 1, foo: 1, parts: [{ name: "a", bar: 2 }] }, { flavour: "x" }),
    );
    const status = await statusOf(res);
    expect(res.status).toBe(400);
    expect(status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(status.message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "metadata.flavour", unknown field "spec.foo", unknown field "spec.parts[0].bar"',
    );
    expect((await env.request("GET", `${WIDGETS}/strict`)).status).toBe(404);
  });

  test("Strict decoding comes before validation: unknown fields win over an invalid value", async () => {
    const res = await env.request(
      "POST",
      `${WIDGETS}?fieldValidation=Strict`,
      widget("both", { color: "green", foo: 1 }),
    );
    expect(res.status).toBe(400);
    expect((await statusOf(res)).message).toContain('unknown field "spec.foo"');
  });

  test("Warn (and no directive, kube's default) accepts, drops the fields and says so in Warning headers", async () => {
    for (const [name, query] of [
      ["warned", "?fieldValidation=Warn"],
      ["defaulted", ""],
    ] as const) {
      const res = await env.request("POST", `${WIDGETS}${query}`, widget(name, { size: 2, foo: 1 }));
      expect(res.status).toBe(201);
      expect(warningsOf(res)).toEqual(['299 - "unknown field \\"spec.foo\\""']);
      expect(await specOf(`${WIDGETS}/${name}`)).toEqual({ size: 2 });
    }
  });

  test("Ignore accepts and drops silently", async () => {
    const res = await env.request("POST", `${WIDGETS}?fieldValidation=Ignore`, widget("ignored", { foo: 1 }));
    expect(res.status).toBe(201);
    expect(res.headers.get("warning")).toBeNull();
    expect(await specOf(`${WIDGETS}/ignored`)).toEqual({ size: 1 });
  });

  test("fields under x-kubernetes-preserve-unknown-fields are known", async () => {
    const res = await env.request(
      "POST",
      `${WIDGETS}?fieldValidation=Strict`,
      widget("free", { free: { anything: { goes: 1 } } }),
    );
    expect(res.status).toBe(201);
    expect(await specOf(`${WIDGETS}/free`)).toEqual({ size: 1, free: { anything: { goes: 1 } } });
  });

  test("duplicate JSON keys: Strict refuses, Warn keeps the last and warns", async () => {
    const body = (name: string) =>
      `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"${name}"},"spec":{"size":1,"size":2}}`;
    const strict = await env.request("POST", `${WIDGETS}?fieldValidation=Strict`, body("dup-strict"));
    expect(strict.status).toBe(400);
    expect((await statusOf(strict)).message).toEndWith('strict decoding error: duplicate field "spec.size"');
    const warn = await env.request("POST", `${WIDGETS}?fieldValidation=Warn`, body("dup-warn"));
    expect(warn.status).toBe(201);
    expect(warningsOf(warn)).toEqual(['299 - "duplicate field \\"spec.size\\""']);
    expect(await specOf(`${WIDGETS}/dup-warn`)).toEqual({ size: 2 });
  });

  test("built-in kinds: unknown ObjectMeta keys are checked (their other fields are not)", async () => {
    const res = await env.request("POST", `${CM}?fieldValidation=Strict`, {
      metadata: { name: "cm-strict", colour: "red" },
      data: { a: "1" },
    });
    expect(res.status).toBe(400);
    expect((await statusOf(res)).message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.colour"',
    );
    const warned = await env.request("POST", CM, { metadata: { name: "cm-warn", colour: "red" } });
    expect(warned.status).toBe(201);
    expect(warningsOf(warned)).toEqual(['299 - "unknown field \\"metadata.colour\\""']);
    const stored = (await (await env.request("GET", `${CM}/cm-warn`)).json()) as { metadata: object };
    expect(stored.metadata).not.toHaveProperty("colour");
  });

  test("a warning about a non-ASCII field name arrives as UTF-8", async () => {
    const res = await env.request("POST", WIDGETS, widget("unicode", { größe: 1 }));
    expect(res.status).toBe(201);
    expect(warningsOf(res)).toEqual(['299 - "unknown field \\"spec.größe\\""']);
  });

  test("an unknown directive is kube's 422 on CreateOptions", async () => {
    const res = await env.request("POST", `${WIDGETS}?fieldValidation=Loud`, widget("loud", {}));
    const status = await statusOf(res);
    expect(res.status).toBe(422);
    expect(status.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });
});

describe("update and patch", () => {
  const current = async (name: string) =>
    (await (await env.request("GET", `${WIDGETS}/${name}`)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    expect((await env.request("POST", WIDGETS, widget("target", { size: 1 }))).status).toBe(201);
  });

  test("PUT with Strict is refused like a create; with Warn it is stored without the field", async () => {
    const obj = await current("target");
    const body = { ...obj, spec: { size: 5, foo: true } };
    const strict = await env.request("PUT", `${WIDGETS}/target?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect((await statusOf(strict)).message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo"',
    );
    const unknownVerb = await env.request("PUT", `${WIDGETS}/target?fieldValidation=strict`, body);
    expect((await statusOf(unknownVerb)).message).toStartWith('UpdateOptions.meta.k8s.io "" is invalid');
    const warn = await env.request("PUT", `${WIDGETS}/target?fieldValidation=Warn`, body);
    expect(warn.status).toBe(200);
    expect(warningsOf(warn)).toEqual(['299 - "unknown field \\"spec.foo\\""']);
    expect(await specOf(`${WIDGETS}/target`)).toEqual({ size: 5 });
  });

  test("merge patch with Strict: 422 Invalid on the field `patch`, nothing changes", async () => {
    const before = await current("target");
    const res = await fetch(`${env.server.url}${WIDGETS}/target?fieldValidation=Strict`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${env.server.token}`,
        "content-type": "application/merge-patch+json",
      },
      body: JSON.stringify({ spec: { size: 6, bar: 1 } }),
    });
    const status = await statusOf(res);
    expect(res.status).toBe(422);
    expect(status.reason).toBe("Invalid");
    expect(status.message).toStartWith(' "" is invalid: patch: Invalid value: "{');
    expect(status.message).toEndWith('strict decoding error: unknown field "spec.bar"');
    expect(status.details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "patch",
        message: expect.stringContaining('unknown field "spec.bar"'),
      },
    ]);
    expect(await current("target")).toEqual(before);
  });

  test("merge patch duplicates and unknown fields with Warn: applied, one warning each", async () => {
    const res = await fetch(`${env.server.url}${WIDGETS}/target`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${env.server.token}`,
        "content-type": "application/merge-patch+json",
      },
      body: '{"spec":{"size":7,"size":8,"bar":1}}',
    });
    expect(res.status).toBe(200);
    expect(warningsOf(res)).toEqual([
      '299 - "duplicate field \\"spec.size\\""',
      '299 - "unknown field \\"spec.bar\\""',
    ]);
    expect(await specOf(`${WIDGETS}/target`)).toEqual({ size: 8 });
  });

  test("a patch that adds no unknown field passes Strict", async () => {
    const res = await fetch(`${env.server.url}${WIDGETS}/target?fieldValidation=Strict`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${env.server.token}`,
        "content-type": "application/merge-patch+json",
      },
      body: JSON.stringify({ spec: { color: "red" } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("warning")).toBeNull();
  });
});
