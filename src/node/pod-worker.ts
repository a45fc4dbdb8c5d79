import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Deferred, Duration, Effect, Either, Queue } from "effect";
import type { Container, Pod } from "../api/index";
import type { KubeClientApi } from "../kube/client";
import { refs } from "../kube/resources";
import { untilReachableSchedule } from "../kube/schedules";
import type { AgentConfig } from "./config";
import {
  type ContainerProcess,
  type ProcessExit,
  runToExit,
  startProcess,
  stopProcess,
} from "./container-process";
import {
  type ContainerRecord,
  restartDelayMs,
  restartPolicyOf,
  shouldRestart,
  type Terminated,
  waitingRecord,
} from "./container-state";
import { buildEnv, expandReferences } from "./env";
import { containerArgv, resolveImage } from "./images";
import { type ContainerLaunch, type HostCommand, hostCommand } from "./launch";
import { NODE_MARK_ENV } from "./leftovers";
import { openLog } from "./log-files";
import { logFileOf, podDirOf } from "./pod-dirs";
import { type PodRecord, podStatus } from "./pod-status";
import { type ProbeTarget, runProber } from "./probes";
import { planMounts } from "./volumes";

/** What a pod worker needs from the agent. */
export interface WorkerContext {
  readonly config: AgentConfig;
  readonly kube: KubeClientApi;
  readonly podIP: string;
  /** The termination grace period to use when the worker is stopped (read at that moment). */
  readonly graceSeconds: () => number;
  /** Log files of runs still going (a following `kubectl logs` waits on these). */
  readonly activeLogs: Set<string>;
}

/** A container runs longer than this before a crash resets its backoff (kubelet: 10 minutes). */
const BACKOFF_RESET_MS = 10 * 60 * 1000;
/** Status writes are coalesced over this window. */
const STATUS_DEBOUNCE = Duration.millis(15);

type ListName = "initContainers" | "containers";

const nowIso = () => new Date().toISOString();

/**
 * Runs one pod until the surrounding scope closes: sets up its directories and volumes, runs init
 * containers in order and then every container under its restart policy and probes, and writes the
 * pod's status whenever something changes. Closing the scope stops every container gracefully.
 */
export const runPod = (
  pod: Pod,
  ctx: WorkerContext,
): Effect.Effect<void, never, import("effect").Scope.Scope> =>
  Effect.gen(function* () {
    const { config, kube } = ctx;
    const namespace = pod.metadata.namespace ?? "default";
    const name = pod.metadata.name ?? "";
    const uid = pod.metadata.uid ?? name;
    const podDir = podDirOf(config.stateDir, namespace, name, uid);
    const rootfs = join(podDir, "rootfs");
    mkdirSync(rootfs, { recursive: true });
    const policy = restartPolicyOf(pod.spec.restartPolicy);
    const initSpecs = pod.spec.initContainers ?? [];
    const appSpecs = pod.spec.containers;

    let record: PodRecord = {
      restartPolicy: policy,
      hostIP: config.hostIP,
      podIP: ctx.podIP,
      startTime: pod.status?.startTime ?? nowIso(),
      initContainers: initSpecs.map((c) => waitingRecord(c.name, c.image ?? "", "PodInitializing")),
      containers: appSpecs.map((c) =>
        waitingRecord(c.name, c.image ?? "", initSpecs.length > 0 ? "PodInitializing" : "ContainerCreating"),
      ),
    };
    // Restart counts continue from the pod's status, so an agent restart keeps counting.
    const previousCount = (list: ListName, cname: string) =>
      (list === "initContainers" ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find(
        (s) => s.name === cname,
      )?.restartCount ?? 0;
    record = {
      ...record,
      initContainers: record.initContainers.map((c) => ({
        ...c,
        restartCount: previousCount("initContainers", c.name),
      })),
      containers: record.containers.map((c) => ({ ...c, restartCount: previousCount("containers", c.name) })),
    };

    const changed = yield* Queue.sliding<void>(1);
    const update = (f: (r: PodRecord) => PodRecord) =>
      Effect.suspend(() => {
        record = f(record);
        return Queue.offer(changed, undefined);
      });
    const setContainer = (list: ListName, index: number, f: (c: ContainerRecord) => ContainerRecord) =>
      update((r) => ({ ...r, [list]: r[list].map((c, i) => (i === index ? f(c) : c)) }));

    // Status writer: one merge patch of the whole status per burst of changes.
    let conditions: readonly { type: string; status: string; lastTransitionTime?: string | null }[] =
      pod.status?.conditions ?? [];
    // Each attempt writes the latest record, so a retry also carries changes made since the failure.
    const writeStatus = Effect.suspend(() => {
      const status = podStatus(record, conditions, nowIso());
      conditions = status.conditions;
      return kube.patchStatus(refs.pod, name, { type: "merge", body: { status } }, { namespace });
    }).pipe(
      Effect.asVoid,
      Effect.catchTag("NotFound", () => Effect.void),
      Effect.tapError((e) =>
        Effect.logWarning(`status of pod ${namespace}/${name} not written; retrying`, e),
      ),
      // Until it lands: nothing else would write it again if the pod never changes after an API server
      // outage (a Ready pod would look unready forever).
      Effect.retry(untilReachableSchedule),
    );
    yield* Effect.forkScoped(
      Effect.forever(
        Queue.take(changed).pipe(
          Effect.zipRight(Effect.sleep(STATUS_DEBOUNCE)),
          Effect.zipRight(writeStatus),
        ),
      ),
    );
    yield* Queue.offer(changed, undefined);

    const fields: Record<string, string> = {
      "metadata.name": name,
      "metadata.namespace": namespace,
      "metadata.uid": uid,
      "spec.nodeName": config.nodeName,
      "spec.serviceAccountName": pod.spec.serviceAccountName ?? "default",
      "status.podIP": ctx.podIP,
      "status.podIPs": ctx.podIP,
      "status.hostIP": config.hostIP,
      "status.hostIPs": config.hostIP,
    };
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) fields[`metadata.labels['${k}']`] = v;
    for (const [k, v] of Object.entries(pod.metadata.annotations ?? {}))
      fields[`metadata.annotations['${k}']`] = v;

    yield* fillConfigVolumes(pod, podDir, kube);

    /** The host command for a container (or, with `argvOverride`, an exec probe in its context). */
    const prepare = (
      spec: Container,
    ): Either.Either<
      { launch: ContainerLaunch; command: (argv?: readonly string[]) => HostCommand },
      { reason: string; message: string }
    > => {
      const image = resolveImage(spec.image, config.images);
      if (Either.isLeft(image)) return Either.left({ reason: "ErrImagePull", message: image.left.message });
      const mounts = planMounts(namespace, pod.spec.volumes ?? [], spec.volumeMounts ?? [], {
        persistentRoot: join(config.stateDir, "volumes"),
        podVolumes: join(podDir, "volumes"),
      });
      if (Either.isLeft(mounts))
        return Either.left({ reason: "CreateContainerConfigError", message: mounts.left });
      const base = {
        PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
        HOSTNAME: name,
        POD_IP: ctx.podIP,
        POD_NAME: name,
        POD_NAMESPACE: namespace,
        NODE_NAME: config.nodeName,
        ...image.right.env,
      };
      const env = buildEnv(base, spec.env ?? [], fields);
      if (env.unsupported.length > 0)
        return Either.left({
          reason: "CreateContainerConfigError",
          message: `env sources the node agent cannot resolve: ${env.unsupported.join(", ")}`,
        });
      const vars = new Map(Object.entries(env.env));
      const argv = containerArgv(image.right, spec.command, spec.args).map((a) => expandReferences(a, vars));
      const launch: ContainerLaunch = {
        argv,
        // Last, so no env of the pod's own can hide it from the next agent (leftovers.ts).
        env: { ...env.env, [NODE_MARK_ENV]: config.processMark },
        workingDir: spec.workingDir ?? image.right.workingDir,
        pathEnv: image.right.pathEnv,
        mounts: mounts.right,
        hostname: name.slice(0, 63),
      };
      const dirs = {
        rootfs,
        hidden: [config.stateDir],
        ...(config.hostsFile === undefined ? {} : { hosts: config.hostsFile(namespace) }),
      };
      return Either.right({
        launch,
        command: (probeArgv) =>
          hostCommand(
            probeArgv ? { ...launch, argv: probeArgv } : launch,
            dirs,
            config.isolation,
            config.hostFs,
            config.bwrap,
          ),
      });
    };

    const graceMs = () => Math.min(ctx.graceSeconds(), config.maxGracePeriodSeconds) * 1000;

    /** One run of a container, from start to exit (or a kill its probes asked for). */
    const runOnce = (
      list: ListName,
      index: number,
      spec: Container,
      command: (argv?: readonly string[]) => HostCommand,
    ) =>
      Effect.scoped(
        Effect.gen(function* () {
          const host = command();
          for (const dir of host.ensureDirs) mkdirSync(dir, { recursive: true });
          for (const link of host.links) {
            mkdirSync(dirname(link.path), { recursive: true });
            if (!existsSync(link.path)) symlinkSync(link.target, link.path);
          }
          const restartCount = record[list][index]!.restartCount;
          const startedAt = nowIso();
          const logFile = logFileOf(podDir, spec.name, restartCount);
          const started = yield* Effect.acquireRelease(
            Effect.try(() => startProcess(host, openLog(logFile), config.isolation === "bubblewrap")).pipe(
              Effect.either,
              Effect.tap(() => ctx.activeLogs.add(logFile)),
            ),
            (p) =>
              (Either.isRight(p) ? Effect.promise(() => stopProcess(p.right, graceMs())) : Effect.void).pipe(
                Effect.ensuring(Effect.sync(() => ctx.activeLogs.delete(logFile))),
              ),
          );
          if (Either.isLeft(started)) {
            const cause = started.left.error;
            return {
              exitCode: 128,
              reason: "StartError",
              message: cause instanceof Error ? cause.message : String(cause),
              startedAt,
            };
          }
          const proc: ContainerProcess = started.right;
          const hasStartup = spec.startupProbe !== undefined;
          yield* setContainer(list, index, (c) => ({
            ...c,
            state: { _tag: "Running", startedAt },
            containerID: `agent-sandbox://${uid}/${spec.name}/${restartCount}`,
            started: !hasStartup,
            ready: !hasStartup && spec.readinessProbe === undefined,
          }));
          const kill = yield* Deferred.make<string>();
          const target: ProbeTarget = {
            podIP: ctx.podIP,
            ports: spec.ports ?? [],
            exec: (argv, timeoutMs) => runToExit(command(argv), timeoutMs),
          };
          const afterStartup = Effect.all(
            [
              spec.livenessProbe
                ? runProber(spec.livenessProbe, target, (ok) =>
                    ok ? Effect.void : Deferred.succeed(kill, "failed liveness probe").pipe(Effect.asVoid),
                  )
                : Effect.void,
              spec.readinessProbe
                ? runProber(
                    spec.readinessProbe,
                    target,
                    (ok) => setContainer(list, index, (c) => ({ ...c, ready: ok })),
                    true,
                  )
                : Effect.void,
            ],
            { concurrency: "unbounded", discard: true },
          );
          if (list === "containers") {
            if (spec.startupProbe) {
              const passed = yield* Deferred.make<void>();
              const startup = runProber(spec.startupProbe, target, (ok) =>
                ok
                  ? setContainer(list, index, (c) => ({
                      ...c,
                      started: true,
                      ready: spec.readinessProbe === undefined,
                    })).pipe(Effect.zipRight(Deferred.succeed(passed, undefined)))
                  : Deferred.succeed(kill, "failed startup probe").pipe(Effect.asVoid),
              );
              yield* Effect.forkScoped(
                Effect.raceFirst(startup, Deferred.await(passed)).pipe(Effect.zipRight(afterStartup)),
              );
            } else yield* Effect.forkScoped(afterStartup);
          }
          const exit: ProcessExit = yield* Effect.raceFirst(
            Effect.promise(() => proc.exited),
            Deferred.await(kill).pipe(
              Effect.flatMap(() => Effect.promise(() => stopProcess(proc, graceMs()))),
            ),
          );
          // The process may report its exit before the kill path does; the kill's reason is kept either way.
          const killedFor = yield* Deferred.poll(kill).pipe(
            Effect.flatMap((pending) =>
              pending._tag === "Some" ? pending.value : Effect.succeed(undefined),
            ),
          );
          return {
            exitCode: exit.exitCode,
            ...(exit.signal === undefined ? {} : { signal: exit.signal }),
            reason: exit.exitCode === 0 ? "Completed" : "Error",
            ...(killedFor ? { message: `container ${spec.name} ${killedFor}, will be restarted` } : {}),
            startedAt,
          };
        }),
      );

    /** Runs a container under the restart policy; returns its final exit code once it will not run again. */
    const supervise = (list: ListName, index: number): Effect.Effect<number> =>
      Effect.gen(function* () {
        const spec = (list === "initContainers" ? initSpecs : appSpecs)[index]!;
        // Init containers restart on failure even under `Always`.
        const effectivePolicy = list === "initContainers" && policy === "Always" ? "OnFailure" : policy;
        let setupFailures = 0;
        let crashes = 0;
        for (;;) {
          const prepared = prepare(spec);
          if (Either.isLeft(prepared)) {
            setupFailures++;
            const reason =
              prepared.left.reason === "ErrImagePull" && setupFailures > 1
                ? "ImagePullBackOff"
                : prepared.left.reason;
            yield* setContainer(list, index, (c) => ({
              ...c,
              state: { _tag: "Waiting", reason, message: prepared.left.message },
            }));
            yield* Effect.sleep(
              Duration.millis(
                restartDelayMs(setupFailures, config.restartBackoff.baseMs, config.restartBackoff.capMs),
              ),
            );
            continue;
          }
          setupFailures = 0;
          const outcome = yield* runOnce(list, index, spec, prepared.right.command);
          const finishedAt = nowIso();
          const terminated: Terminated = { _tag: "Terminated", ...outcome, finishedAt };
          if (!shouldRestart(effectivePolicy, outcome.exitCode)) {
            yield* setContainer(list, index, (c) => ({
              ...c,
              state: terminated,
              ready: false,
              started: false,
            }));
            return outcome.exitCode;
          }
          const ranFor = Date.parse(finishedAt) - Date.parse(outcome.startedAt);
          crashes = ranFor > BACKOFF_RESET_MS ? 1 : crashes + 1;
          const delay = restartDelayMs(crashes, config.restartBackoff.baseMs, config.restartBackoff.capMs);
          yield* setContainer(list, index, (c) => ({
            ...c,
            state: {
              _tag: "Waiting",
              reason: "CrashLoopBackOff",
              message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${spec.name} pod=${name}_${namespace}(${uid})`,
            },
            lastTerminated: terminated,
            restartCount: c.restartCount + 1,
            ready: false,
            started: false,
          }));
          yield* Effect.sleep(Duration.millis(delay));
        }
      });

    for (let i = 0; i < initSpecs.length; i++) {
      const code = yield* supervise("initContainers", i);
      // Only under `Never` does a failed init container stay failed; the pod is then Failed for good.
      if (code !== 0) return yield* Effect.never;
    }
    yield* update((r) => ({
      ...r,
      containers: r.containers.map((c) =>
        c.state._tag === "Waiting" ? { ...c, state: { _tag: "Waiting", reason: "ContainerCreating" } } : c,
      ),
    }));
    yield* Effect.forEach(appSpecs, (_, i) => supervise("containers", i), {
      concurrency: "unbounded",
      discard: true,
    });
    // Every container is done for good; the pod keeps its final status until it is deleted.
    yield* Effect.never;
  });

/** Writes the files of configMap and secret volumes (their `data`) into the pod's volume directories. */
const fillConfigVolumes = (pod: Pod, podDir: string, kube: KubeClientApi) =>
  Effect.forEach(
    pod.spec.volumes ?? [],
    (volume) => {
      const source = volume.configMap?.name
        ? { ref: refs.configMap, name: volume.configMap.name, encoded: false }
        : volume.secret?.secretName
          ? { ref: refs.secret, name: volume.secret.secretName, encoded: true }
          : undefined;
      if (source === undefined) return Effect.void;
      return kube.get(source.ref, source.name, { namespace: pod.metadata.namespace ?? "default" }).pipe(
        Effect.tap((obj) => {
          const dir = join(podDir, "volumes", volume.name);
          mkdirSync(dir, { recursive: true });
          const data = (obj.data ?? {}) as Record<string, string>;
          for (const [key, value] of Object.entries(data))
            writeFileSync(join(dir, key), source.encoded ? Buffer.from(value, "base64") : value);
        }),
        Effect.catchAll((e) =>
          Effect.logWarning(`volume ${volume.name} of pod ${pod.metadata.name} left empty`, e),
        ),
      );
    },
    { discard: true },
  );
