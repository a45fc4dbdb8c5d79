// The real kubectl over HTTPS against what kubectl >= 1.27 relies on: server-side field validation (its
// `--validate` flag maps to fieldValidation Strict/Warn/Ignore), batch/v1 Jobs (the chart NOTES' test Job),
// and `get -w` printing printer columns although only the first watch event carries them.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eventually, widgetCrd } from "./helpers";
import { kubectlSuite } from "./kubectl-suite";

setDefaultTimeout(60_000);

const { run: kubectl, ok, watch } = kubectlSuite("kubectl-apply-");

const widget = (name: string, spec: string) =>
  `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n${spec}`;

/** The test Job of the chart's NOTES.txt (the article's), with a configurable restart policy. */
const job = (name: string, restartPolicy?: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  namespace: default
spec:
  backoffLimit: 0
  template:
    spec:
      serviceAccountName: sandbox-client
${restartPolicy ? `      restartPolicy: ${restartPolicy}\n` : ""}      containers:
        - name: client
          image: python:3.12-slim
          command: ["sh", "-c", "pip install -q k8s-agent-sandbox && python /scripts/test.py"]
          volumeMounts:
            - name: script
              mountPath: /scripts
      volumes:
        - name: script
          configMap:
            name: sandbox-client-script
`;

beforeAll(async () => {
  await ok(["apply", "-f", "-"], JSON.stringify(widgetCrd()));
  await ok(["wait", "--for=condition=Established", "crd/widgets.example.com"]);
});

describe("kubectl --validate (server-side fieldValidation)", () => {
  test("strict, kubectl's default: an unknown field fails the create with the server's message", async () => {
    const r = await kubectl(["apply", "-f", "-"], widget("typo", "  size: 1\n  sise: 2\n"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.sise"',
    );
    expect((await kubectl(["get", "widget", "typo"])).code).not.toBe(0);
  });

  test("warn: created without the field, and kubectl prints the server's warning", async () => {
    const r = await kubectl(
      ["apply", "--validate=warn", "-f", "-"],
      widget("warned", "  size: 1\n  sise: 2\n"),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: unknown field "spec.sise"');
    expect(await ok(["get", "widget", "warned", "-o", "jsonpath={.spec}"])).toBe('{"size":1}');
  });

  test("false (Ignore): created without the field, silently", async () => {
    const r = await kubectl(
      ["apply", "--validate=false", "-f", "-"],
      widget("quiet", "  size: 1\n  sise: 2\n"),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("Warning");
  });

  test("strict on an existing object: the apply patch is refused and nothing changes", async () => {
    await ok(["apply", "-f", "-"], widget("patched", "  size: 1\n"));
    const r = await kubectl(["apply", "-f", "-"], widget("patched", "  size: 3\n  colour: red\n"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.colour"');
    expect(await ok(["get", "widget", "patched", "-o", "jsonpath={.spec.size}"])).toBe("1");
    // A clean apply of the same object still goes through.
    await ok(["apply", "-f", "-"], widget("patched", "  size: 3\n"));
    expect(await ok(["get", "widget", "patched", "-o", "jsonpath={.spec.size}"])).toBe("3");
  });

  test("server-side apply: a clean object applies, an unknown field is refused", async () => {
    expect(await ok(["apply", "--server-side", "-f", "-"], widget("ssa", "  size: 4\n"))).toContain(
      "serverside-applied",
    );
    const r = await kubectl(["apply", "--server-side", "-f", "-"], widget("ssa", "  size: 5\n  sise: 6\n"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.sise"');
    expect(await ok(["get", "widget", "ssa", "-o", "jsonpath={.spec.size}"])).toBe("4");
  });

  test("unknown ObjectMeta keys are refused on built-in kinds too", async () => {
    const r = await kubectl(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\n  lables: {a: b}\n",
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "metadata.lables"');
  });
});

describe("batch/v1 Jobs", () => {
  test("the NOTES test Job applies; kubectl shows kube's Job columns and the generated selector", async () => {
    expect(await ok(["apply", "-f", "-"], job("sandbox-client-test", "Never"))).toContain(
      "job.batch/sandbox-client-test created",
    );
    const table = await ok(["get", "jobs", "-n", "default"]);
    expect(table.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(table).toMatch(/sandbox-client-test\s+Running\s+0\/1\s+\S+/);
    const stored = JSON.parse(await ok(["get", "job", "sandbox-client-test", "-o", "json"]));
    const uid = stored.metadata.uid;
    expect(stored.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
    expect(stored.spec.template.metadata.labels).toMatchObject({
      "batch.kubernetes.io/job-name": "sandbox-client-test",
      "job-name": "sandbox-client-test",
    });
    expect(stored.spec).toMatchObject({ backoffLimit: 0, completions: 1, parallelism: 1 });
    // Applying the same manifest again changes nothing.
    expect(await ok(["apply", "-f", "-"], job("sandbox-client-test", "Never"))).toContain("unchanged");
    expect(await ok(["api-resources", "--api-group=batch", "--no-headers"])).toMatch(
      /^jobs\s+batch\/v1\s+true\s+Job/,
    );
  });

  test("a Job whose pods would restart (the Pod default, Always) is refused as kube refuses it", async () => {
    const r = await kubectl(["apply", "-f", "-"], job("restarts"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
  });
});

describe("kubectl get -w with Tables", () => {
  test("events after the first still print the printer columns", async () => {
    await ok(["apply", "-f", "-"], widget("watched-0", "  size: 10\n"));
    const output = watch(["get", "widgets", "-w", "--output-watch-events"]);
    try {
      await eventually(() => (/ADDED\s+watched-0\s+10/.test(output.text()) ? true : undefined));
      let n = 1;
      await eventually(async () => {
        await ok(["apply", "-f", "-"], widget(`watched-${n}`, `  size: ${10 + n}\n`));
        n++;
        return /ADDED\s+watched-[1-9]\d*\s+1[1-9]/.test(output.text()) ? true : undefined;
      });
      await ok(["patch", "widget", "watched-0", "--type=merge", "-p", '{"spec":{"size":42}}']);
      await eventually(() => (/MODIFIED\s+watched-0\s+42/.test(output.text()) ? true : undefined));
      expect(output.text().split("\n")[0]).toMatch(/^EVENT\s+NAME\s+SIZE\s*$/);
    } finally {
      await output.stop();
    }
  });
});
