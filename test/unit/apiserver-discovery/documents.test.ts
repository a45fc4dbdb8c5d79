import { describe, expect, test } from "bun:test";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  BUILTIN_RESOURCES,
  definitionName,
  fromCRD,
  negotiateDiscovery,
  openAPIV2Document,
  openAPIV3Document,
  openAPIV3Index,
  versionInfo,
} from "../../../src/apiserver/discovery";
import { sandboxCrd } from "./fixtures";

const crdResources = fromCRD(sandboxCrd);
/** Reads a nested value of a JSON document. */
const dig = (v: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (x, k) => (typeof x === "object" && x !== null ? (x as Record<string, unknown>)[k] : undefined),
    v,
  );
/** The group/version/kind an OpenAPI operation or schema below `v` names. */
const gvkOf = (v: unknown, ...keys: string[]) => dig(v, ...keys, "x-kubernetes-group-version-kind");
const resources = [...BUILTIN_RESOURCES, ...crdResources];

describe("fromCRD", () => {
  test("one entry per served version, preferred (highest priority) first", () => {
    expect(crdResources.map((r) => r.version)).toEqual(["v1beta1", "v1alpha1"]);
    const [beta, alpha] = crdResources;
    expect(beta).toMatchObject({
      group: "agents.x-k8s.io",
      kind: "Sandbox",
      listKind: "SandboxList",
      plural: "sandboxes",
      singular: "sandbox",
      shortNames: ["sbx"],
      namespaced: true,
      storageVersion: "v1beta1",
      servedVersions: ["v1beta1", "v1alpha1"],
    });
    expect(beta?.subresources.map((s) => s.name)).toEqual(["status"]);
    expect(alpha?.subresources.map((s) => `${s.name}:${s.group ?? ""}/${s.kind}`)).toEqual([
      "status:/Sandbox",
      "scale:autoscaling/Scale",
    ]);
    expect(alpha?.deprecated).toBe(true);
  });

  test("printer columns: the CRD's own, or Age by default", () => {
    expect(crdResources[0]?.printerColumns.map((c) => c.name)).toEqual(["Ready", "Reason", "Age"]);
    expect(crdResources[1]?.printerColumns).toEqual([
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ]);
  });

  test("defaults listKind and singular, reads Cluster scope, tolerates junk", () => {
    const [r] = fromCRD({
      spec: {
        group: "g.io",
        scope: "Cluster",
        names: { kind: "Thing", plural: "things" },
        versions: [{ name: "v1", served: true, storage: true }],
      },
    });
    expect(r).toMatchObject({ listKind: "ThingList", singular: "thing", namespaced: false });
    expect(r?.openAPISchema).toBeUndefined();
    expect(fromCRD(null)).toEqual([]);
    expect(fromCRD({ spec: { versions: "nope" } })).toEqual([]);
  });
});

describe("legacy discovery", () => {
  test("/version reports a Kubernetes version kubectl accepts", () => {
    const v = versionInfo();
    expect(v).toMatchObject({ major: "1", minor: "32" });
    expect(v.gitVersion).toMatch(/^v1\.32\.\d+/);
    expect(versionInfo({ minor: "31" }).minor).toBe("31");
  });

  test("/api", () => {
    expect(apiVersions("127.0.0.1:6443")).toEqual({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
    });
  });

  test("/apis lists named groups with the preferred version first", () => {
    const list = apiGroupList(resources);
    expect(list.kind).toBe("APIGroupList");
    expect(list.groups.map((g) => g.name)).not.toContain("");
    expect(list.groups.find((g) => g.name === "agents.x-k8s.io")).toEqual({
      name: "agents.x-k8s.io",
      versions: [
        { groupVersion: "agents.x-k8s.io/v1beta1", version: "v1beta1" },
        { groupVersion: "agents.x-k8s.io/v1alpha1", version: "v1alpha1" },
      ],
      preferredVersion: { groupVersion: "agents.x-k8s.io/v1beta1", version: "v1beta1" },
    });
    expect(apiGroup(resources, "apps")).toMatchObject({ kind: "APIGroup", apiVersion: "v1", name: "apps" });
    expect(apiGroup(resources, "nope.io")).toBeUndefined();
    expect(apiGroup(resources, "")).toBeUndefined();
  });

  test("/api/v1 lists resources and their subresources", () => {
    const list = apiResourceList(resources, "", "v1");
    expect(list?.groupVersion).toBe("v1");
    const byName = new Map<string, unknown>(list?.resources.map((r) => [r.name, r]));
    expect(byName.get("pods")).toEqual({
      name: "pods",
      singularName: "pod",
      namespaced: true,
      kind: "Pod",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["po"],
      categories: ["all"],
    });
    expect(byName.get("pods/log")).toMatchObject({ kind: "Pod", verbs: ["get"] });
    expect(byName.get("pods/binding")).toMatchObject({ kind: "Binding", verbs: ["create"] });
    expect(byName.get("pods/status")).toMatchObject({ kind: "Pod", verbs: ["get", "patch", "update"] });
    expect(apiResourceList(resources, "", "v2")).toBeUndefined();
  });

  test("scale subresources name autoscaling/v1 Scale; TokenReview is create-only", () => {
    const apps = apiResourceList(resources, "apps", "v1");
    expect(apps?.resources.find((r) => r.name === "deployments/scale")).toEqual({
      name: "deployments/scale",
      singularName: "",
      namespaced: true,
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
      verbs: ["get", "patch", "update"],
    });
    const authn = apiResourceList(resources, "authentication.k8s.io", "v1");
    expect(authn?.resources).toEqual([
      {
        name: "tokenreviews",
        singularName: "tokenreview",
        namespaced: false,
        kind: "TokenReview",
        verbs: ["create"],
      },
    ]);
  });

  test("every built-in the issue lists is served", () => {
    const served = BUILTIN_RESOURCES.map((r) => `${r.group}/${r.kind}`);
    for (const k of [
      "/Namespace",
      "/Pod",
      "/Service",
      "/PersistentVolumeClaim",
      "/ConfigMap",
      "/Secret",
      "/ServiceAccount",
      "/Event",
      "/Node",
      "/Endpoints",
      "events.k8s.io/Event",
      "networking.k8s.io/NetworkPolicy",
      "coordination.k8s.io/Lease",
      "apiextensions.k8s.io/CustomResourceDefinition",
      "rbac.authorization.k8s.io/Role",
      "rbac.authorization.k8s.io/RoleBinding",
      "rbac.authorization.k8s.io/ClusterRole",
      "rbac.authorization.k8s.io/ClusterRoleBinding",
      "apps/Deployment",
      "policy/PodDisruptionBudget",
      "authentication.k8s.io/TokenReview",
    ]) {
      expect(served).toContain(k);
    }
  });
});

describe("aggregated discovery", () => {
  const kubectlAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  test("negotiation follows the client's order", () => {
    expect(negotiateDiscovery(kubectlAccept)).toBe("v2");
    expect(
      negotiateDiscovery("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"),
    ).toBe("v2beta1");
    expect(
      negotiateDiscovery(
        "application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io;profile=nopeer",
      ),
    ).toBe("v2");
    expect(negotiateDiscovery("application/json, */*")).toBe("legacy");
    expect(negotiateDiscovery(`application/json,${kubectlAccept}`)).toBe("legacy");
    expect(negotiateDiscovery(null)).toBe("legacy");
    expect(negotiateDiscovery("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList")).toBe(
      "legacy",
    );
  });

  test("content type carries g, v and as in that order", () => {
    expect(aggregatedContentType("v2")).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    );
  });

  test("/api holds only the core group, /apis every named group", () => {
    const core = aggregatedDiscovery(resources, "api");
    expect(core.apiVersion).toBe("apidiscovery.k8s.io/v2");
    expect(core.items.map((i) => i.metadata.name)).toEqual([""]);
    const named = aggregatedDiscovery(resources, "apis", "v2beta1");
    expect(named.apiVersion).toBe("apidiscovery.k8s.io/v2beta1");
    expect(named.items.map((i) => i.metadata.name)).not.toContain("");
    const sandboxes = named.items.find((i) => i.metadata.name === "agents.x-k8s.io");
    expect(sandboxes?.versions.map((v) => v.version)).toEqual(["v1beta1", "v1alpha1"]);
    expect(sandboxes?.versions[1]?.resources[0]).toEqual({
      resource: "sandboxes",
      responseKind: { group: "agents.x-k8s.io", version: "v1alpha1", kind: "Sandbox" },
      scope: "Namespaced",
      singularResource: "sandbox",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["sbx"],
      subresources: [
        {
          subresource: "status",
          responseKind: { group: "agents.x-k8s.io", version: "v1alpha1", kind: "Sandbox" },
          verbs: ["get", "patch", "update"],
        },
        {
          subresource: "scale",
          responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
          verbs: ["get", "patch", "update"],
        },
      ],
    });
    expect(sandboxes?.versions.every((v) => v.freshness === "Current")).toBe(true);
  });
});

describe("OpenAPI", () => {
  test("definition names follow kube's reversed-group convention", () => {
    expect(definitionName("", "v1", "Pod")).toBe("io.k8s.api.core.v1.Pod");
    expect(definitionName("apps", "v1", "Deployment")).toBe("io.k8s.api.apps.v1.Deployment");
    expect(definitionName("rbac.authorization.k8s.io", "v1", "Role")).toBe("io.k8s.api.rbac.v1.Role");
    expect(definitionName("agents.x-k8s.io", "v1beta1", "Sandbox")).toBe("io.x-k8s.agents.v1beta1.Sandbox");
  });

  test("v3 index links each group/version with a content hash", () => {
    const index = openAPIV3Index(resources);
    expect(Object.keys(index.paths)).toContain("api/v1");
    expect(Object.keys(index.paths)).toContain("apis/agents.x-k8s.io/v1alpha1");
    const url = index.paths["apis/agents.x-k8s.io/v1beta1"]?.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/agents\.x-k8s\.io\/v1beta1\?hash=[0-9A-F]{128}$/);
    const other = {
      ...sandboxCrd,
      spec: { ...sandboxCrd.spec, names: { ...sandboxCrd.spec.names, listKind: "Sandboxes" } },
    };
    const changed = [...BUILTIN_RESOURCES, ...fromCRD(other)];
    expect(openAPIV3Index(changed).paths["apis/agents.x-k8s.io/v1beta1"]?.serverRelativeURL).not.toBe(url);
    expect(openAPIV3Index(changed).paths["api/v1"]?.serverRelativeURL).toBe(
      index.paths["api/v1"]?.serverRelativeURL,
    );
  });

  test("v3 document: PATCH carries the GVK and fieldValidation, the kind schema its GVK list", () => {
    const doc = openAPIV3Document(resources, "agents.x-k8s.io", "v1beta1")!;
    const item = doc.paths["/apis/agents.x-k8s.io/v1beta1/namespaces/{namespace}/sandboxes/{name}"];
    expect(gvkOf(item, "patch")).toEqual({ group: "agents.x-k8s.io", version: "v1beta1", kind: "Sandbox" });
    const params = dig(item, "patch", "parameters") as Array<{ name: string; in: string }>;
    expect(params.map((p) => `${p.in}:${p.name}`)).toContain("query:fieldValidation");
    expect(Object.keys(dig(item, "patch", "requestBody", "content") as object)).toEqual([
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/apply-patch+yaml",
    ]);
    const schema = doc.components.schemas["io.x-k8s.agents.v1beta1.Sandbox"];
    expect(gvkOf(schema)).toEqual([{ group: "agents.x-k8s.io", version: "v1beta1", kind: "Sandbox" }]);
    expect(dig(schema, "properties", "spec", "properties", "operatingMode", "enum")).toEqual([
      "Running",
      "Suspended",
    ]);
    expect(dig(schema, "properties", "metadata", "properties", "labels", "additionalProperties")).toEqual({
      type: "string",
    });
    expect(Object.keys(doc.paths)).toEqual([
      "/apis/agents.x-k8s.io/v1beta1/namespaces/{namespace}/sandboxes",
      "/apis/agents.x-k8s.io/v1beta1/namespaces/{namespace}/sandboxes/{name}",
      "/apis/agents.x-k8s.io/v1beta1/sandboxes",
      "/apis/agents.x-k8s.io/v1beta1/namespaces/{namespace}/sandboxes/{name}/status",
    ]);
    expect(openAPIV3Document(resources, "agents.x-k8s.io", "v9")).toBeUndefined();
  });

  test("v3 scale paths answer with autoscaling/v1 Scale; cluster-scoped kinds have no namespace", () => {
    const alpha = openAPIV3Document(resources, "agents.x-k8s.io", "v1alpha1")!;
    const scale = alpha.paths["/apis/agents.x-k8s.io/v1alpha1/namespaces/{namespace}/sandboxes/{name}/scale"];
    expect(gvkOf(scale, "put")).toEqual({ group: "autoscaling", version: "v1", kind: "Scale" });
    expect(alpha.components.schemas["io.k8s.api.autoscaling.v1.Scale"]).toBeDefined();
    const crds = openAPIV3Document(resources, "apiextensions.k8s.io", "v1")!;
    expect(Object.keys(crds.paths)).toContain(
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}",
    );
    const authn = openAPIV3Document(resources, "authentication.k8s.io", "v1")!;
    expect(
      Object.entries(authn.paths).map(([p, v]) => `${p} ${Object.keys(v).filter((k) => k !== "parameters")}`),
    ).toEqual(["/apis/authentication.k8s.io/v1/tokenreviews post"]);
  });

  test("v2 document covers every resource with #/definitions references", () => {
    const doc = openAPIV2Document(resources);
    expect(doc.swagger).toBe("2.0");
    const pods = doc.paths["/api/v1/namespaces/{namespace}/pods/{name}"];
    expect(dig(pods, "get", "responses", "200", "schema")).toEqual({
      $ref: "#/definitions/io.k8s.api.core.v1.Pod",
    });
    expect(dig(pods, "patch", "consumes")).toContain("application/merge-patch+json");
    expect(doc.definitions["io.x-k8s.agents.v1beta1.SandboxList"]).toBeDefined();
  });
});
