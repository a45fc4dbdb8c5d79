// The runner's side of component.ts: starts one part of local mode as a child process, asks it for memory
// samples, and stops it (closing its scope first, so the node agent takes its pods down with it).
import { join } from "node:path";
import type { ChildMessage, MemorySample, ParentMessage } from "./component-protocol";

export type PartName = "apiserver" | "node" | "controller" | "router";

export interface Component {
  readonly name: PartName;
  readonly pid: number;
  /** What the part serves: the API server's or router's URL, the node agent's log URL; "" for the controller. */
  readonly url: string;
  sample(): Promise<MemorySample>;
  stop(): Promise<void>;
}

const root = join(import.meta.dir, "../..");
const bun = join(root, "node_modules/.bin/bun");

const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> =>
  Promise.race([
    promise,
    Bun.sleep(ms).then(() => {
      throw new Error(`${what}: no answer in ${ms / 1000} s`);
    }),
  ]);

export const startComponent = async (
  name: PartName,
  stateDir: string,
  extraArgs: readonly string[] = [],
): Promise<Component> => {
  let ready: (url: string) => void = () => {};
  const started = new Promise<string>((resolve) => {
    ready = resolve;
  });
  const pending = new Map<number, (sample: MemorySample) => void>();
  let stopped: () => void = () => {};
  const stopAcknowledged = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const child = Bun.spawn(
    [bun, "run", join(import.meta.dir, "component.ts"), name, "--state-dir", stateDir, ...extraArgs],
    {
      cwd: root,
      stdout: "ignore",
      stderr: "inherit",
      ipc(message: ChildMessage) {
        if (message.type === "ready") ready(message.url);
        else if (message.type === "sample") pending.get(message.id)?.(message.sample);
        else stopped();
      },
    },
  );
  const send = (message: ParentMessage) => child.send(message);
  const exitedEarly = child.exited.then((code) => {
    throw new Error(`${name} exited with ${code} before it was ready`);
  });
  const url = await withTimeout(Promise.race([started, exitedEarly]), 120_000, `${name} start`);
  let nextId = 0;
  return {
    name,
    pid: child.pid,
    url,
    sample: () => {
      const id = nextId++;
      const answer = new Promise<MemorySample>((resolve) => pending.set(id, resolve));
      send({ type: "sample", id });
      return withTimeout(answer, 60_000, `${name} sample`).finally(() => pending.delete(id));
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      send({ type: "stop" });
      await withTimeout(Promise.race([stopAcknowledged, child.exited]), 60_000, `${name} stop`).catch(() =>
        child.kill("SIGKILL"),
      );
      await child.exited;
    },
  };
};
