// Request attribute parsing and RBAC rule matching used by the controller-RBAC test.

import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { grantedTriples, type PolicyRule, requestAttributes, ruleAllows, rulesAllow } from "./rbac";

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);

describe("requestAttributes", () => {
  test.each([
    [
      "GET",
      "/api/v1/namespaces/ns/pods",
      { group: "", version: "v1", resource: "pods", namespace: "ns", verb: "list" },
    ],
    [
      "GET",
      "/api/v1/pods?watch=true&resourceVersion=5",
      { group: "", version: "v1", resource: "pods", verb: "watch" },
    ],
    [
      "GET",
      "/api/v1/namespaces/ns/pods?watch=1",
      { group: "", version: "v1", resource: "pods", namespace: "ns", verb: "watch" },
    ],
    [
      "GET",
      "/api/v1/namespaces/kube-system",
      { group: "", version: "v1", resource: "namespaces", name: "kube-system", verb: "get" },
    ],
    [
      "PUT",
      "/apis/agents.x-k8s.io/v1beta1/namespaces/d/sandboxes/s1/status",
      {
        group: "agents.x-k8s.io",
        version: "v1beta1",
        resource: "sandboxes/status",
        namespace: "d",
        name: "s1",
        verb: "update",
      },
    ],
    [
      "PATCH",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sandboxes.agents.x-k8s.io",
      {
        group: "apiextensions.k8s.io",
        version: "v1",
        resource: "customresourcedefinitions",
        name: "sandboxes.agents.x-k8s.io",
        verb: "patch",
      },
    ],
    [
      "DELETE",
      "/api/v1/namespaces/d/pods",
      { group: "", version: "v1", resource: "pods", namespace: "d", verb: "deletecollection" },
    ],
  ])("%s %s", (method, url, expected) => {
    expect(requestAttributes(method, url)).toEqual(expected);
  });

  test.each([
    "/api",
    "/apis",
    "/apis/agents.x-k8s.io",
    "/apis/agents.x-k8s.io/v1beta1",
    "/version",
    "/openapi/v3",
    "/healthz",
  ])("%s is not a resource request", (url) => expect(requestAttributes("GET", url)).toBeUndefined());

  test("a malformed resource path or an unknown method is an error, not a silent drop", () => {
    expect(() => requestAttributes("GET", "/api/v1/namespaces/d/pods/p/log/extra")).toThrow(
      "malformed resource path",
    );
    expect(() => requestAttributes("TRACE", "/api/v1/pods")).toThrow("unsupported method TRACE");
  });

  test("property: a built path reads back as the attributes it was built from", () => {
    fc.assert(
      fc.property(
        fc.record({
          group: fc.oneof(fc.constant(""), fc.constantFrom("apps", "agents.x-k8s.io", "coordination.k8s.io")),
          version: fc.constantFrom("v1", "v1beta1", "v1alpha1"),
          namespace: fc.option(label, { nil: undefined }),
          resource: label.filter((r) => r !== "namespaces"),
          name: fc.option(label, { nil: undefined }),
          subresource: fc.option(fc.constantFrom("status", "scale"), { nil: undefined }),
          method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        }),
        (r) => {
          const sub = r.name === undefined ? undefined : r.subresource;
          const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
          const path = [prefix, r.namespace && `namespaces/${r.namespace}`, r.resource, r.name, sub]
            .filter(Boolean)
            .join("/");
          const parsed = requestAttributes(r.method, path)!;
          expect(parsed.group).toBe(r.group);
          expect(parsed.resource).toBe(sub ? `${r.resource}/${sub}` : r.resource);
          expect(parsed.namespace).toBe(r.namespace);
          expect(parsed.name).toBe(r.name);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("rule matching", () => {
  const crdRule: PolicyRule = {
    apiGroups: ["apiextensions.k8s.io"],
    resources: ["customresourcedefinitions"],
    resourceNames: ["sandboxes.agents.x-k8s.io"],
    verbs: ["get", "patch"],
  };
  const patchCrd = (name: string) =>
    requestAttributes("PATCH", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)!;

  test("resourceNames restrict to the named objects", () => {
    expect(ruleAllows(crdRule, patchCrd("sandboxes.agents.x-k8s.io"))).toBe(true);
    expect(ruleAllows(crdRule, patchCrd("other.example.com"))).toBe(false);
    expect(
      ruleAllows(
        { ...crdRule, verbs: ["list"] },
        requestAttributes("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")!,
      ),
    ).toBe(false);
  });

  test("a subresource needs its own rule; wildcards match anything", () => {
    const update = requestAttributes("PUT", "/apis/agents.x-k8s.io/v1beta1/namespaces/d/sandboxes/s/status")!;
    expect(
      rulesAllow([{ apiGroups: ["agents.x-k8s.io"], resources: ["sandboxes"], verbs: ["update"] }], update),
    ).toBe(false);
    expect(rulesAllow([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }], update)).toBe(true);
  });

  test("grantedTriples expands rules", () => {
    expect(
      [...grantedTriples([{ apiGroups: ["", "apps"], resources: ["pods"], verbs: ["get", "list"] }])].sort(),
    ).toEqual(["apps|pods|get", "apps|pods|list", "|pods|get", "|pods|list"]);
  });
});
