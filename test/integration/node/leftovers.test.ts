// What an agent killed outright left running is ended by the next agent on the same state directory (the
// agent calls this before it starts any pod), and nothing else is.
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { killLeftovers, NODE_MARK_ENV, nodeMark } from "../../../src/node/leftovers";
import { eventually } from "./harness";

/** A process in a session of its own, as the agent starts pods; `script` runs under sh. */
const spawnWith = (mark: string | undefined, script: string) =>
  Bun.spawn(["sh", "-c", script], {
    env: { ...process.env, ...(mark === undefined ? {} : { [NODE_MARK_ENV]: mark }) },
    detached: true,
    stdout: "pipe",
    stderr: "ignore",
  });

const gone = (pid: number) => !existsSync(`/proc/${pid}`);

test("processes carrying the mark die with their groups; other marks and unmarked processes stay", async () => {
  const mine = nodeMark("/var/lib/agent-a");
  const other = nodeMark("/var/lib/agent-b");
  expect(mine).not.toBe(other);
  expect(mine).not.toContain("agent-a"); // the host's path does not reach the pods
  // A marked pod whose child dropped the mark from its environment: it goes with its group.
  const pod = spawnWith(mine, `env -u ${NODE_MARK_ENV} sleep 300 & echo $!; wait`);
  const reader = pod.stdout.getReader();
  const unmarkedChild = Number(new TextDecoder().decode((await reader.read()).value).trim());
  const otherAgents = spawnWith(other, "sleep 300");
  const unrelated = spawnWith(undefined, "sleep 300");
  try {
    expect(killLeftovers(mine)).toBe(1);
    await pod.exited;
    await eventually(
      () => gone(unmarkedChild),
      (g) => g,
      "the unmarked child gone with its group",
    );
    expect(otherAgents.exitCode).toBeNull();
    expect(unrelated.exitCode).toBeNull();
    expect(killLeftovers(mine)).toBe(0);
  } finally {
    otherAgents.kill("SIGKILL");
    unrelated.kill("SIGKILL");
  }
});
