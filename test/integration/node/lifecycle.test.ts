import { beforeAll, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Effect } from "effect";
import { KubeClient } from "../../../src/kube/client";
import { refs } from "../../../src/kube/resources";
import { bubblewrapWorks } from "../../../src/node/isolation";
import {
  type AnyPod,
  clusterForSuite,
  condition,
  createPod,
  deletePod,
  eventually,
  getPod,
  type PodSketch,
  podGone,
  podLog,
  podWhere,
  processesWith,
  removePod,
} from "./harness";

const TIMEOUT = 90_000;
const isolations = (await bubblewrapWorks()) ? (["none", "bubblewrap"] as const) : (["none"] as const);

const main = (pod: AnyPod) => pod.status?.containerStatuses?.[0];

for (const isolation of isolations) {
  describe(`pod lifecycle (isolation: ${isolation})`, () => {
    const cluster = clusterForSuite({ isolation });
    beforeAll(() => {
      expect(cluster().agent.isolation).toBe(isolation);
    });

    test(
      "OnFailure restarts a failing container with growing restart counts and keeps its logs",
      async () => {
        await createPod(cluster(), {
          name: "crashy",
          restartPolicy: "OnFailure",
          command: ["sh", "-c", "echo run; exit 3"],
        });
        const pod = await podWhere(
          cluster(),
          "crashy",
          (p) => (main(p)?.restartCount ?? 0) >= 2,
          "two restarts",
        );
        expect(main(pod).lastState.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
        expect(pod.status.phase).toBe("Running");
        // The previous run is complete; the current one may only just have started.
        const previous = cluster().agent.logs({
          namespace: "default",
          pod: "crashy",
          container: "main",
          query: new URLSearchParams({ previous: "true" }),
        });
        expect(await previous.text()).toBe("run\n");
      },
      TIMEOUT,
    );

    test(
      "Never leaves a failed container Failed and a clean exit Succeeded",
      async () => {
        await createPod(cluster(), {
          name: "fails",
          restartPolicy: "Never",
          command: ["sh", "-c", "exit 3"],
        });
        await createPod(cluster(), {
          name: "succeeds",
          restartPolicy: "Never",
          command: ["sh", "-c", "echo done"],
        });
        const failed = await podWhere(cluster(), "fails", (p) => p.status?.phase === "Failed", "Failed");
        expect(main(failed)).toMatchObject({
          restartCount: 0,
          ready: false,
          state: { terminated: { exitCode: 3 } },
        });
        const succeeded = await podWhere(
          cluster(),
          "succeeds",
          (p) => p.status?.phase === "Succeeded",
          "Succeeded",
        );
        expect(main(succeeded).state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
        expect(condition(succeeded, "Ready")).toBe("False");
        expect(await podLog(cluster(), "succeeds")).toBe("done\n");
      },
      TIMEOUT,
    );

    test(
      "Always restarts even a clean exit",
      async () => {
        await createPod(cluster(), { name: "loops", restartPolicy: "Always", command: ["true"] });
        const pod = await podWhere(cluster(), "loops", (p) => (main(p)?.restartCount ?? 0) >= 1, "a restart");
        expect(main(pod).lastState.terminated.exitCode).toBe(0);
      },
      TIMEOUT,
    );

    test(
      "an unknown image waits with an image-pull reason and a clear message",
      async () => {
        await createPod(cluster(), { name: "noimage", image: "nginx:1.27" });
        const pod = await podWhere(
          cluster(),
          "noimage",
          (p) => main(p)?.state?.waiting?.reason === "ImagePullBackOff",
          "ImagePullBackOff",
        );
        expect(pod.status.phase).toBe("Pending");
        expect(main(pod).state.waiting.message).toContain(
          'image "nginx:1.27" is not in the node agent\'s image table',
        );
      },
      TIMEOUT,
    );

    test(
      "readiness (exec, tcpSocket) and startup probes gate Ready",
      async () => {
        await createPod(cluster(), {
          name: "slow-ready",
          command: ["sh", "-c", "sleep 1; touch ready; exec sleep 600"],
          container: {
            workingDir: "/work",
            readinessProbe: { exec: { command: ["test", "-f", "ready"] }, periodSeconds: 1 },
          },
        });
        await createPod(cluster(), {
          name: "tcp",
          image: "python:3.11",
          command: ["python3", "-m", "http.server", "8000", "--bind", "$(POD_IP)"],
          container: {
            ports: [{ name: "web", containerPort: 8000 }],
            startupProbe: { tcpSocket: { port: "web" }, periodSeconds: 1, failureThreshold: 30 },
            readinessProbe: { tcpSocket: { port: 8000 }, periodSeconds: 1 },
          },
        });
        const early = await getPod(cluster(), "slow-ready");
        expect(condition(early, "Ready")).not.toBe("True");
        await podWhere(cluster(), "slow-ready", (p) => condition(p, "Ready") === "True", "exec readiness");
        const tcp = await podWhere(
          cluster(),
          "tcp",
          (p) => condition(p, "Ready") === "True",
          "tcp readiness",
        );
        expect(main(tcp)).toMatchObject({ started: true, ready: true });
        expect((await fetch(`http://${tcp.status.podIP}:8000/`)).status).toBe(200);
      },
      TIMEOUT,
    );

    test(
      "a failing liveness probe restarts the container",
      async () => {
        await createPod(cluster(), {
          name: "unhealthy",
          command: ["sh", "-c", "touch alive; sleep 1; rm alive; exec sleep 600"],
          container: {
            workingDir: "/work",
            livenessProbe: {
              exec: { command: ["test", "-f", "alive"] },
              periodSeconds: 1,
              failureThreshold: 1,
            },
          },
        });
        const pod = await podWhere(
          cluster(),
          "unhealthy",
          (p) => (main(p)?.restartCount ?? 0) >= 1,
          "a liveness restart",
        );
        expect(main(pod).lastState.terminated.message).toContain("failed liveness probe");
      },
      TIMEOUT,
    );

    test(
      "a PVC's directory survives the pod and is there for the next one",
      async () => {
        const withClaim = (name: string, script: string) =>
          createPod(cluster(), {
            name,
            command: ["sh", "-c", script],
            container: { workingDir: "/data", volumeMounts: [{ name: "data", mountPath: "/data" }] },
            spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "keep-me" } }] },
          });
        await withClaim("writer", "echo persisted > f && echo written; exec sleep 600");
        await eventually(
          () => podLog(cluster(), "writer"),
          (log) => log === "written\n",
          "the writer to write",
        );
        await removePod(cluster(), "writer");
        await withClaim("reader", "cat f; exec sleep 600");
        await eventually(
          () => podLog(cluster(), "reader"),
          (log) => log === "persisted\n",
          "the reader to see the data",
        );
      },
      TIMEOUT,
    );

    test("configMap and secret volumes hold their data", async () => {
      const ns = { namespace: "default" };
      await cluster().run(
        Effect.flatMap(KubeClient, (k) =>
          Effect.all([
            k.create(
              refs.configMap,
              {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: `cm-${isolation}` },
                data: { greeting: "hello" },
              },
              ns,
            ),
            k.create(
              refs.secret,
              {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: `s-${isolation}` },
                data: { token: btoa("s3cret") },
              },
              ns,
            ),
          ]),
        ),
      );
      await createPod(cluster(), {
        name: "configured",
        restartPolicy: "Never",
        command: ["sh", "-c", "cat cm/greeting; echo; cat s/token"],
        container: {
          workingDir: "/etc/app",
          volumeMounts: [
            { name: "cm", mountPath: "/etc/app/cm" },
            { name: "s", mountPath: "/etc/app/s" },
          ],
        },
        spec: {
          volumes: [
            { name: "cm", configMap: { name: `cm-${isolation}` } },
            { name: "s", secret: { secretName: `s-${isolation}` } },
          ],
        },
      });
      await podWhere(cluster(), "configured", (p) => p.status?.phase === "Succeeded", "Succeeded");
      expect(await podLog(cluster(), "configured")).toBe("hello\ns3cret");
    });

    test(
      "deletion sends SIGTERM first, then SIGKILL after the grace period; nothing is left",
      async () => {
        const python = (name: string, code: string, extra: Partial<PodSketch> = {}) =>
          createPod(cluster(), {
            name,
            image: "python:3.11",
            command: ["python3", "-c", code, `marker-${name}-${marker}`],
            spec: { terminationGracePeriodSeconds: 2, ...extra.spec },
            ...(extra.container ? { container: extra.container } : {}),
          });
        const marker = crypto.randomUUID();
        await python(
          "stubborn",
          "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\ntime.sleep(600)",
        );
        await python(
          "graceful",
          "import signal, sys, time\ndef bye(*_):\n    open('bye', 'w').write('term')\n    sys.exit(0)\nsignal.signal(signal.SIGTERM, bye)\nprint('ready', flush=True)\ntime.sleep(600)",
          {
            container: { workingDir: "/data", volumeMounts: [{ name: "data", mountPath: "/data" }] },
            spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: `bye-${isolation}` } }] },
          },
        );
        for (const name of ["stubborn", "graceful"]) {
          await eventually(
            () => podLog(cluster(), name),
            (log) => log === "ready\n",
            `${name} to be ready`,
          );
          await deletePod(cluster(), name);
        }
        for (const name of ["stubborn", "graceful"]) await podGone(cluster(), name);
        expect(processesWith(marker)).toEqual([]);
        const bye = join(cluster().stateDir, "volumes", "default", `bye-${isolation}`, "bye");
        expect(await readFile(bye, "utf8")).toBe("term");
      },
      TIMEOUT,
    );
  });
}
