import { describe, expect, test } from "bun:test";
import { lockPatch } from "../../../src/kube/client";
import { queryString, resourcePath } from "../../../src/kube/paths";
import { refs } from "../../../src/kube/resources";

describe("resourcePath", () => {
  test("core, namespaced", () => {
    expect(resourcePath(refs.pod, { namespace: "default" })).toBe("/api/v1/namespaces/default/pods");
    expect(resourcePath(refs.pod, { namespace: "default", name: "p" })).toBe(
      "/api/v1/namespaces/default/pods/p",
    );
    expect(resourcePath(refs.pod, {})).toBe("/api/v1/pods");
  });
  test("groups, subresources, cluster scope", () => {
    expect(resourcePath(refs.sandbox, { namespace: "ns", name: "s", subresource: "status" })).toBe(
      "/apis/agents.x-k8s.io/v1beta1/namespaces/ns/sandboxes/s/status",
    );
    expect(resourcePath(refs.v1alpha1.sandboxClaim, { namespace: "ns" })).toBe(
      "/apis/extensions.agents.x-k8s.io/v1alpha1/namespaces/ns/sandboxclaims",
    );
    expect(resourcePath(refs.namespace, { namespace: "ignored", name: "n" })).toBe("/api/v1/namespaces/n");
    expect(resourcePath(refs.lease, { namespace: "kube-system", name: "a.b" })).toBe(
      "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/a.b",
    );
  });
  test("names are escaped", () => {
    expect(resourcePath(refs.configMap, { namespace: "d", name: "a/b?c" })).toBe(
      "/api/v1/namespaces/d/configmaps/a%2Fb%3Fc",
    );
  });
});

describe("queryString", () => {
  test("skips undefined and encodes", () => {
    expect(queryString({})).toBe("");
    expect(queryString({ a: undefined })).toBe("");
    expect(queryString({ labelSelector: "app=x,tier in (a,b)", limit: 5, watch: true, x: undefined })).toBe(
      "?labelSelector=app%3Dx%2Ctier+in+%28a%2Cb%29&limit=5&watch=true",
    );
  });
});

describe("lockPatch", () => {
  test("merge and strategic patches carry the resourceVersion in metadata", () => {
    expect(lockPatch({ type: "merge", body: { metadata: { labels: { a: "b" } }, spec: {} } }, "42")).toEqual({
      type: "merge",
      body: { metadata: { labels: { a: "b" }, resourceVersion: "42" }, spec: {} },
    });
    expect(lockPatch({ type: "strategic", body: { spec: {} } }, "7").body).toEqual({
      spec: {},
      metadata: { resourceVersion: "7" },
    });
  });
  test("JSON patches start with a test operation", () => {
    const locked = lockPatch({ type: "json", body: [{ op: "remove", path: "/spec/x" }] }, "9");
    expect(locked.body).toEqual([
      { op: "test", path: "/metadata/resourceVersion", value: "9" },
      { op: "remove", path: "/spec/x" },
    ]);
  });
  test("no version, no change", () => {
    const p = { type: "merge" as const, body: { spec: {} } };
    expect(lockPatch(p, undefined)).toBe(p);
  });
});
