import { describe, expect, test } from "bun:test";
import {
  BUILTIN_RESOURCES,
  findAll,
  fromCRD,
  humanDuration,
  parseJsonPath,
  type ResourceInfo,
  toTable,
} from "../../../src/apiserver/discovery";
import { sandbox, sandboxCrd } from "./fixtures";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const [sandboxes] = fromCRD(sandboxCrd);
const builtin = (group: string, kind: string): ResourceInfo =>
  BUILTIN_RESOURCES.find((r) => r.group === group && r.kind === kind)!;
const cells = (info: ResourceInfo, obj: unknown) => toTable(info, obj, { now: NOW }).rows[0]?.cells;

describe("humanDuration (kube's HumanDuration)", () => {
  test.each([
    [0, "0s"],
    [-1500, "0s"],
    [-5000, "<invalid>"],
    [119_000, "119s"],
    [120_000, "2m"],
    [200_000, "3m20s"],
    [600_000, "10m"],
    [179 * 60_000, "179m"],
    [3 * 3600_000, "3h"],
    [(3 * 60 + 5) * 60_000, "3h5m"],
    [8 * 3600_000, "8h"],
    [47 * 3600_000, "47h"],
    [48 * 3600_000, "2d"],
    [(3 * 24 + 4) * 3600_000, "3d4h"],
    [8 * 24 * 3600_000, "8d"],
    [800 * 24 * 3600_000, "2y70d"],
    [9 * 365 * 24 * 3600_000, "9y"],
  ])("%d ms -> %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("JSONPath subset", () => {
  const data = {
    status: {
      conditions: [
        { type: "Progressing", status: "True", n: 1 },
        { type: "Ready", status: "False", reason: "PodNotReady", n: 2 },
      ],
    },
    metadata: { labels: { "app.kubernetes.io/name": "x" } },
  };
  const all = (p: string) => findAll(parseJsonPath(p), data);

  test("fields, filters, indices, slices, wildcards and recursion", () => {
    expect(all(".status.conditions[?(@.type=='Ready')].status")).toEqual(["False"]);
    expect(all('{.status.conditions[?(@.type=="Ready")].reason}')).toEqual(["PodNotReady"]);
    expect(all(".status.conditions[?(@.n > 1)].type")).toEqual(["Ready"]);
    expect(all(".status.conditions[?(@.reason)].type")).toEqual(["Ready"]);
    expect(all(".status.conditions[-1].n")).toEqual([2]);
    expect(all(".status.conditions[0:1].type")).toEqual(["Progressing"]);
    expect(all(".status.conditions[*].type")).toEqual(["Progressing", "Ready"]);
    expect(all(".status.conditions[0,1].n")).toEqual([1, 2]);
    expect(all("..reason")).toEqual(["PodNotReady"]);
    expect(all(".metadata.labels['app.kubernetes.io/name']")).toEqual(["x"]);
    expect(all(".metadata.labels.app\\.kubernetes\\.io/name")).toEqual(["x"]);
    expect(all(".status.missing.deeper")).toEqual([]);
  });

  test("malformed paths are errors", () => {
    expect(() => parseJsonPath("status.replicas")).toThrow();
    expect(() => parseJsonPath(".a[?(@.x ~ 1)]")).toThrow();
    expect(() => parseJsonPath(".a[0")).toThrow();
  });
});

describe("toTable", () => {
  test("CRD printer columns, typed cells, list metadata and PartialObjectMetadata rows", () => {
    const list = {
      metadata: { resourceVersion: "42", continue: "abc" },
      items: [sandbox("a", "True", 65_000, NOW), { ...sandbox("b", "False", 0, NOW), status: {} }],
    };
    const table = toTable(sandboxes!, list, { now: NOW });
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.metadata).toEqual({ resourceVersion: "42", continue: "abc" });
    expect(table.columnDefinitions?.map((c) => [c.name, c.type, c.format])).toEqual([
      ["Name", "string", "name"],
      ["Ready", "string", ""],
      ["Reason", "string", ""],
      ["Age", "date", ""],
    ]);
    expect(table.columnDefinitions?.[1]?.description).toBe(
      "Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=='Ready')].status",
    );
    expect(table.rows.map((r) => r.cells)).toEqual([
      ["a", "True", "DependenciesReady", "65s"],
      ["b", null, null, "0s"],
    ]);
    expect(table.rows[0]).toMatchObject({
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: { name: "a" } },
    });
  });

  test("includeObject and noHeaders", () => {
    const obj = sandbox("a", "True", 0, NOW);
    expect(toTable(sandboxes!, obj, { now: NOW, includeObject: "Object" }).rows[0]?.object).toEqual(obj);
    expect(toTable(sandboxes!, obj, { now: NOW, includeObject: "None" }).rows[0]).toEqual({
      cells: ["a", "True", "DependenciesReady", "0s"],
    });
    expect(toTable(sandboxes!, [obj], { now: NOW, noHeaders: true }).columnDefinitions).toBeUndefined();
  });

  test("integer, number, boolean and date columns", () => {
    const info: ResourceInfo = {
      ...sandboxes!,
      printerColumns: [
        { name: "Desired", type: "integer", jsonPath: ".spec.replicas" },
        { name: "Ratio", type: "number", jsonPath: ".spec.ratio" },
        { name: "On", type: "boolean", jsonPath: ".spec.on" },
        { name: "Expires", type: "date", jsonPath: ".spec.at", priority: 1 },
        { name: "Spec", type: "string", jsonPath: ".spec.nested" },
      ],
    };
    const obj = {
      metadata: { name: "x" },
      spec: { replicas: 3, ratio: 0.5, on: false, at: "2026-06-01T11:00:00Z", nested: { a: 1 } },
    };
    expect(cells(info, obj)).toEqual(["x", 3, 0.5, false, "60m", '{"a":1}']);
    expect(cells(info, { metadata: { name: "y" }, spec: { replicas: "3", at: "nope" } })).toEqual([
      "y",
      null,
      null,
      null,
      "<invalid>",
      null,
    ]);
    expect(toTable(info, obj).columnDefinitions?.[4]?.priority).toBe(1);
  });

  test("a CRD without printer columns prints Name and Age", () => {
    const [plain] = fromCRD({
      spec: {
        group: "g.io",
        names: { kind: "T", plural: "ts" },
        versions: [{ name: "v1", served: true, storage: true }],
      },
    });
    expect(
      toTable(plain!, { metadata: { name: "t" } }, { now: NOW }).columnDefinitions?.map((c) => c.name),
    ).toEqual(["Name", "Age"]);
    // kube leaves a cell empty when its path finds nothing, even the default Age column.
    expect(cells(plain!, { metadata: { name: "t" } })).toEqual(["t", null]);
  });

  test("pod status column follows kubectl's rules", () => {
    const pods = builtin("", "Pod");
    const base = {
      metadata: { name: "p", creationTimestamp: "2026-06-01T11:59:00Z" },
      spec: { containers: [{ name: "a" }], nodeName: "local" },
    };
    expect(cells(pods, { ...base, status: { phase: "Pending" } })).toEqual([
      "p",
      "0/1",
      "Pending",
      "0",
      "60s",
      "<none>",
      "local",
      "<none>",
      "<none>",
    ]);
    const running = {
      phase: "Running",
      podIP: "127.0.0.9",
      containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }],
    };
    expect(cells(pods, { ...base, status: running })?.slice(1, 6)).toEqual([
      "1/1",
      "Running",
      "0",
      "60s",
      "127.0.0.9",
    ]);
    const crashed = {
      phase: "Running",
      containerStatuses: [
        {
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, finishedAt: "2026-06-01T11:58:00Z" } },
        },
      ],
    };
    expect(cells(pods, { ...base, status: crashed })?.slice(2, 4)).toEqual([
      "CrashLoopBackOff",
      "3 (2m ago)",
    ]);
    const done = {
      phase: "Succeeded",
      containerStatuses: [{ state: { terminated: { exitCode: 0, reason: "Completed" } } }],
    };
    expect(cells(pods, { ...base, status: done })?.[2]).toBe("Completed");
    const killed = {
      phase: "Failed",
      containerStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }],
    };
    expect(cells(pods, { ...base, status: killed })?.[2]).toBe("Signal:9");
    const init = {
      phase: "Pending",
      initContainerStatuses: [{ state: { terminated: { exitCode: 0 } } }, { state: { running: {} } }],
    };
    expect(
      cells(pods, { ...base, spec: { ...base.spec, initContainers: [{}, {}] }, status: init })?.[2],
    ).toBe("Init:1/2");
    const deleting = {
      ...base,
      metadata: { ...base.metadata, deletionTimestamp: "2026-06-01T12:00:00Z" },
      status: running,
    };
    expect(cells(pods, deleting)?.[2]).toBe("Terminating");
  });

  test("core kinds get their kubectl columns", () => {
    const meta = { name: "n", creationTimestamp: "2026-06-01T11:00:00Z" };
    const svc = {
      metadata: meta,
      spec: { clusterIP: "None", ports: [{ port: 8888, protocol: "TCP" }], selector: { app: "x" } },
    };
    expect(cells(builtin("", "Service"), svc)).toEqual([
      "n",
      "ClusterIP",
      "None",
      "<none>",
      "8888/TCP",
      "60m",
      "app=x",
    ]);
    const pvc = {
      metadata: meta,
      spec: { volumeName: "v" },
      status: { phase: "Bound", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] },
    };
    expect(cells(builtin("", "PersistentVolumeClaim"), pvc)).toEqual([
      "n",
      "Bound",
      "v",
      "1Gi",
      "RWO",
      "",
      "<unset>",
      "60m",
      "Filesystem",
    ]);
    expect(cells(builtin("", "ConfigMap"), { metadata: meta, data: { a: "1", b: "2" } })).toEqual([
      "n",
      2,
      "60m",
    ]);
    expect(cells(builtin("", "Secret"), { metadata: meta, type: "Opaque", data: { a: "" } })).toEqual([
      "n",
      "Opaque",
      1,
      "60m",
    ]);
    expect(cells(builtin("", "Namespace"), { metadata: meta, status: { phase: "Terminating" } })).toEqual([
      "n",
      "Terminating",
      "60m",
    ]);
    const np = {
      metadata: meta,
      spec: {
        podSelector: {
          matchLabels: { a: "b" },
          matchExpressions: [{ key: "c", operator: "In", values: ["d", "e"] }],
        },
      },
    };
    expect(cells(builtin("networking.k8s.io", "NetworkPolicy"), np)).toEqual(["n", "a=b,c in (d,e)", "60m"]);
    expect(
      cells(builtin("coordination.k8s.io", "Lease"), { metadata: meta, spec: { holderIdentity: "me" } }),
    ).toEqual(["n", "me", "60m"]);
    expect(cells(builtin("apiextensions.k8s.io", "CustomResourceDefinition"), { metadata: meta })).toEqual([
      "n",
      "2026-06-01T11:00:00Z",
    ]);
    const rb = {
      metadata: meta,
      roleRef: { kind: "ClusterRole", name: "r" },
      subjects: [{ kind: "ServiceAccount", namespace: "ns", name: "sa" }],
    };
    expect(cells(builtin("rbac.authorization.k8s.io", "RoleBinding"), rb)).toEqual([
      "n",
      "ClusterRole/r",
      "60m",
      "",
      "",
      "ns/sa",
    ]);
    const dep = {
      metadata: meta,
      spec: { replicas: 2, template: { spec: { containers: [{ name: "c", image: "i" }] } } },
      status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
    };
    expect(cells(builtin("apps", "Deployment"), dep)).toEqual(["n", "1/2", 2, 1, "60m", "c", "i", "<none>"]);
    const job = (spec: object, status: object, extraMeta: object = {}) => ({
      metadata: { ...meta, ...extraMeta },
      spec: {
        selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u" } },
        template: { spec: { containers: [{ name: "c", image: "i" }] } },
        ...spec,
      },
      status,
    });
    const jobs = builtin("batch", "Job");
    const jobCells = (o: unknown) => cells(jobs, o) ?? [];
    expect(jobs.namespaced).toBe(true);
    expect(toTable(jobs, []).columnDefinitions!.map((c) => c.name)).toEqual([
      "Name",
      "Status",
      "Completions",
      "Duration",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
    // Not started yet: Running with an empty duration.
    expect(cells(jobs, job({ completions: 1 }, {}))).toEqual([
      "n",
      "Running",
      "0/1",
      "",
      "60m",
      "c",
      "i",
      "batch.kubernetes.io/controller-uid=u",
    ]);
    const done = {
      succeeded: 3,
      startTime: "2026-06-01T11:00:00Z",
      completionTime: "2026-06-01T11:02:30Z",
      conditions: [{ type: "Complete", status: "True" }],
    };
    expect(jobCells(job({ completions: 3 }, done)).slice(1, 4)).toEqual(["Complete", "3/3", "2m30s"]);
    const running = {
      startTime: "2026-06-01T11:30:00Z",
      conditions: [{ type: "Complete", status: "False" }],
    };
    expect(jobCells(job({ parallelism: 4 }, running)).slice(1, 4)).toEqual(["Running", "0/1 of 4", "30m"]);
    const failed = { conditions: [{ type: "Failed", status: "True" }] };
    expect(jobCells(job({}, failed, { deletionTimestamp: "2026-06-01T11:59:00Z" }))[1]).toBe("Failed");
    expect(jobCells(job({}, {}, { deletionTimestamp: "2026-06-01T11:59:00Z" }))[1]).toBe("Terminating");
    const suspended = { conditions: [{ type: "Suspended", status: "True" }] };
    expect(jobCells(job({}, suspended))[1]).toBe("Suspended");
    const ev = {
      metadata: { name: "e1" },
      type: "Normal",
      reason: "Created",
      message: "made it",
      involvedObject: { kind: "Pod", name: "p" },
      lastTimestamp: "2026-06-01T11:59:30Z",
      firstTimestamp: "2026-06-01T11:50:00Z",
      count: 2,
      source: { component: "node" },
    };
    expect(cells(builtin("", "Event"), ev)).toEqual([
      "30s",
      "Normal",
      "Created",
      "pod/p",
      "",
      "node",
      "made it",
      "10m",
      2,
      "e1",
    ]);
    expect(cells(builtin("authentication.k8s.io", "TokenReview"), { metadata: meta })).toEqual(["n", "60m"]);
  });
});
