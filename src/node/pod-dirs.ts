import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Where one pod's files are: `<stateDir>/pods/<namespace>_<name>_<uid>`. */
export const podDirOf = (stateDir: string, namespace: string, name: string, uid: string): string =>
  join(stateDir, "pods", `${namespace}_${name}_${uid}`);

export const logFileOf = (podDir: string, container: string, restartCount: number): string =>
  join(podDir, "logs", container, `${restartCount}.log`);

/** The log files of a container, oldest run first. */
export const logRuns = (podDir: string, container: string): string[] => {
  try {
    return readdirSync(join(podDir, "logs", container))
      .filter((f) => /^\d+\.log$/.test(f))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
      .map((f) => join(podDir, "logs", container, f));
  } catch {
    return [];
  }
};
