import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { HostFs, Isolation } from "./launch";

/** Whether bubblewrap can create the namespaces a pod needs here (it needs root or user namespaces). */
export const bubblewrapWorks = async (bwrap = "bwrap"): Promise<boolean> => {
  try {
    const probe = Bun.spawn(
      [
        bwrap,
        "--die-with-parent",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--ro-bind",
        "/",
        "/",
        "true",
      ],
      { stdout: "ignore", stderr: "ignore" },
    );
    return (await probe.exited) === 0;
  } catch {
    return false;
  }
};

/** `auto` picks bubblewrap when it works on this machine. */
export const chooseIsolation = async (wanted: Isolation | "auto", bwrap?: string): Promise<Isolation> => {
  if (wanted !== "auto") return wanted;
  return (await bubblewrapWorks(bwrap)) ? "bubblewrap" : "none";
};

/** The real host filesystem, as bubblewrap roots are built from it. */
export const realHostFs: HostFs = {
  list: (dir) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isSymbolicLink()
          ? { name: e.name, symlinkTarget: readlinkSync(join(dir, e.name)) }
          : { name: e.name },
      );
    } catch {
      return [];
    }
  },
  isDir: (path) => {
    try {
      return lstatSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};
