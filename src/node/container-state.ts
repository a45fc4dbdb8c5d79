/** What the agent knows about one container; the pod status is computed from these. */

export type ContainerState =
  | { readonly _tag: "Waiting"; readonly reason: string; readonly message?: string }
  | { readonly _tag: "Running"; readonly startedAt: string }
  | {
      readonly _tag: "Terminated";
      readonly exitCode: number;
      readonly signal?: number;
      readonly reason: string;
      readonly message?: string;
      readonly startedAt: string;
      readonly finishedAt: string;
    };

export type Terminated = Extract<ContainerState, { _tag: "Terminated" }>;

export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly lastTerminated?: Terminated;
  readonly restartCount: number;
  /** Readiness: running, started, and its readiness probe (if any) passing. */
  readonly ready: boolean;
  /** Its startup probe (if any) has passed. */
  readonly started: boolean;
  readonly containerID?: string;
}

export const waitingRecord = (
  name: string,
  image: string,
  reason = "ContainerCreating",
): ContainerRecord => ({
  name,
  image,
  state: { _tag: "Waiting", reason },
  restartCount: 0,
  ready: false,
  started: false,
});

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export const restartPolicyOf = (policy: string | undefined): RestartPolicy =>
  policy === "OnFailure" || policy === "Never" ? policy : "Always";

/** Whether a container that exited with `exitCode` runs again under `policy`. */
export const shouldRestart = (policy: RestartPolicy, exitCode: number): boolean =>
  policy === "Always" || (policy === "OnFailure" && exitCode !== 0);

/** Kubelet's crash-loop backoff: base * 2^(n-1), capped; `n` counts consecutive quick failures (n >= 1). */
export const restartDelayMs = (consecutiveRestarts: number, baseMs: number, capMs: number): number =>
  Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(consecutiveRestarts - 1, 30)));
