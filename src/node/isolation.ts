import { readdirSync, readlinkSync } from "node:fs";
import type { HostRootEntry, Isolation } from "./launch";

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

/** The entries of `/`, with symlink targets, for building a read-only view of the host in a sandbox. */
export const readHostRoot = (): HostRootEntry[] =>
  readdirSync("/", { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) =>
      e.isSymbolicLink() ? { name: e.name, symlinkTarget: readlinkSync(`/${e.name}`) } : { name: e.name },
    );
