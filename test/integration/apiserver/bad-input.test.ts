// Bad requests get the Status a real API server returns, and never change or break the store.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Running, start } from "./helpers";

let env: Running;
beforeAll(async () => {
  env = await start();
  await env.request("POST", "/api/v1/namespaces/default/configmaps", {
    metadata: { name: "keep" },
    data: { a: "1" },
  });
});
afterAll(() => env.server.stop());

interface Status {
  kind: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: Array<{ field: string; reason: string }> };
}

const expectStatus = async (res: Response, code: number, reason: string): Promise<Status> => {
  const body = (await res.json()) as Status;
  expect(res.status).toBe(code);
  expect(body).toMatchObject({ kind: "Status", status: "Failure", code, reason });
  return body;
};

const CM = "/api/v1/namespaces/default/configmaps";

describe("bad input", () => {
  test("malformed JSON", async () => {
    await expectStatus(await env.request("POST", CM, "{not json"), 400, "BadRequest");
    await expectStatus(await env.request("PUT", `${CM}/keep`, "[1,2"), 400, "BadRequest");
  });

  test("wrong kind or apiVersion in the body", async () => {
    await expectStatus(
      await env.request("POST", CM, { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }),
      400,
      "BadRequest",
    );
    await expectStatus(
      await env.request("POST", CM, { apiVersion: "v2", kind: "ConfigMap", metadata: { name: "x" } }),
      400,
      "BadRequest",
    );
  });

  test("name and namespace mismatches", async () => {
    await expectStatus(
      await env.request("POST", CM, { metadata: { name: "x", namespace: "kube-system" } }),
      400,
      "BadRequest",
    );
    await expectStatus(
      await env.request("PUT", `${CM}/keep`, { metadata: { name: "other" } }),
      400,
      "BadRequest",
    );
  });

  test("invalid names and missing names are 422 Invalid with causes", async () => {
    for (const name of ["UPPER", "-dash", "a".repeat(254), "under_score"]) {
      const s = await expectStatus(await env.request("POST", CM, { metadata: { name } }), 422, "Invalid");
      expect(s.details?.causes?.[0]?.field).toBe("metadata.name");
    }
    const ns = await expectStatus(
      await env.request("POST", "/api/v1/namespaces", { metadata: { name: "has.dot" } }),
      422,
      "Invalid",
    );
    expect(ns.message).toContain("RFC 1123 label");
    const missing = await expectStatus(await env.request("POST", CM, { metadata: {} }), 422, "Invalid");
    expect(missing.details?.causes?.[0]?.reason).toBe("FieldValueRequired");
    await expectStatus(
      await env.request("POST", CM, { metadata: { name: "x", labels: { "bad key!": "v" } } }),
      422,
      "Invalid",
    );
  });

  test("oversized bodies are 413", async () => {
    const huge = { metadata: { name: "huge" }, data: { v: "x".repeat(3 * 1024 * 1024 + 10) } };
    await expectStatus(await env.request("POST", CM, huge), 413, "RequestEntityTooLarge");
  });

  test("unknown resources, methods and media types", async () => {
    await expectStatus(await env.request("GET", "/apis/nope.example.com/v1/things"), 404, "NotFound");
    await expectStatus(
      await env.request("GET", "/api/v1/namespaces/default/configmaps/%E0%A4%A"),
      400,
      "BadRequest",
    );
    await expectStatus(await env.request("GET", "/api/v1/namespaces/default/nothings"), 404, "NotFound");
    await expectStatus(await env.request("PUT", CM, { metadata: { name: "x" } }), 405, "MethodNotAllowed");
    await expectStatus(await env.request("POST", CM, "name: x", "text/plain"), 415, "UnsupportedMediaType");
    await expectStatus(
      await env.request("PATCH", `${CM}/keep`, { data: {} }, "application/xml"),
      415,
      "UnsupportedMediaType",
    );
  });

  test("bad selectors, patches and resourceVersions", async () => {
    await expectStatus(
      await env.request("GET", `${CM}?labelSelector=${encodeURIComponent("a in (b")}`),
      400,
      "BadRequest",
    );
    await expectStatus(
      await env.request("GET", `${CM}?fieldSelector=status.phase%3DRunning`),
      400,
      "BadRequest",
    );
    await expectStatus(
      await env.request(
        "PATCH",
        `${CM}/keep`,
        [{ op: "test", path: "/data/a", value: "2" }],
        "application/json-patch+json",
      ),
      422,
      "Invalid",
    );
    await expectStatus(
      await env.request("PATCH", `${CM}/keep`, "{oops", "application/merge-patch+json"),
      400,
      "BadRequest",
    );
    await expectStatus(await env.request("GET", `${CM}?watch=1&resourceVersion=abc`), 400, "BadRequest");
    await expectStatus(await env.request("GET", `${CM}?limit=ten`), 400, "BadRequest");
  });

  test("OpenAPI v2 is JSON only: a protobuf-only client gets 406", async () => {
    const get = (accept: string) =>
      fetch(`${env.server.url}/openapi/v2`, {
        headers: { authorization: `Bearer ${env.server.token}`, accept },
      });
    await expectStatus(
      await get("application/com.github.proto-openapi.spec.v2@v1.0+protobuf"),
      406,
      "NotAcceptable",
    );
    expect((await get("application/json")).status).toBe(200);
  });

  test("YAML bodies are accepted", async () => {
    const res = await env.request(
      "POST",
      CM,
      "metadata:\n  name: from-yaml\ndata:\n  k: v\n",
      "application/yaml",
    );
    expect(res.status).toBe(201);
  });

  test("after all that the store is intact", async () => {
    const res = await env.request("GET", `${CM}/keep`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: Record<string, string>;
      metadata: { resourceVersion: string };
    };
    expect(body.data).toEqual({ a: "1" });
    const list = (await (await env.request("GET", CM)).json()) as {
      items: Array<{ metadata: { name: string } }>;
    };
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual(["from-yaml", "keep"]);
  });
});
