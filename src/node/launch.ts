import { hostPathFor, type Mount } from "./volumes";

/** How containers are isolated: a bubblewrap sandbox per pod, or plain child processes. */
export type Isolation = "bubblewrap" | "none";

/** What to run for one container, in container terms (paths as the container sees them). */
export interface ContainerLaunch {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  /** Env names whose values are in-container paths (the image table's `pathEnv`). */
  readonly pathEnv: readonly string[];
  readonly mounts: readonly Mount[];
  readonly hostname: string;
}

/** The pod's own directories on the host. */
export interface PodDirs {
  /** Writable root of the pod: in-container paths that no volume covers live below it. */
  readonly rootfs: string;
  /** Directories to hide from the pod (the agent's state directory, where other pods live). */
  readonly hidden: readonly string[];
}

/** The host command that runs a container: argv, env and cwd for `spawn`. */
export interface HostCommand {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Host directories to create before starting. */
  readonly ensureDirs: string[];
}

/** Host entries bound read-only into every bubblewrap root; each pod sees the host's programs but cannot change them. */
export interface HostRootEntry {
  readonly name: string;
  readonly symlinkTarget?: string;
}

const SKIPPED_ROOT_ENTRIES = new Set(["dev", "proc", "sys", "tmp", "lost+found"]);

/**
 * Without isolation the container runs on the host filesystem: its working directory and the env
 * variables the image marks as paths are rewritten to where those paths live on the host, and TMPDIR
 * and HOME point into the pod's root.
 */
const plainCommand = (launch: ContainerLaunch, dirs: PodDirs): HostCommand => {
  const at = (p: string) => hostPathFor(p, launch.mounts, dirs.rootfs);
  const env: Record<string, string> = { ...launch.env, TMPDIR: at("/tmp"), HOME: at("/root") };
  for (const name of launch.pathEnv) {
    const value = launch.env[name];
    if (value?.startsWith("/")) env[name] = at(value);
  }
  const cwd = at(launch.workingDir);
  return {
    argv: [...launch.argv],
    env,
    cwd,
    ensureDirs: [cwd, env.TMPDIR!, env.HOME!, ...launch.mounts.map((m) => m.hostPath)],
  };
};

/**
 * With bubblewrap: new mount, pid, ipc, uts (and cgroup where possible) namespaces; the host's
 * directories read-only, the pod's state hidden, and writable only its root (for `/tmp` and the
 * working directory) and its volumes, bound at their mount paths. The network is shared: pods
 * listen on their own loopback address. `--die-with-parent` ends the pod if the agent dies.
 */
const bubblewrapCommand = (
  launch: ContainerLaunch,
  dirs: PodDirs,
  hostRoot: readonly HostRootEntry[],
  bwrap: string,
): HostCommand => {
  const args = [
    bwrap,
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
  ];
  args.push("--hostname", launch.hostname);
  for (const entry of hostRoot) {
    if (SKIPPED_ROOT_ENTRIES.has(entry.name)) continue;
    if (entry.symlinkTarget !== undefined) args.push("--symlink", entry.symlinkTarget, `/${entry.name}`);
    else args.push("--ro-bind", `/${entry.name}`, `/${entry.name}`);
  }
  args.push("--dev", "/dev", "--proc", "/proc");
  for (const dir of dirs.hidden) if (!dir.startsWith("/tmp/") && dir !== "/tmp") args.push("--tmpfs", dir);
  const ensureDirs: string[] = [];
  const bindRoot = (p: string) => {
    const host = hostPathFor(p, [], dirs.rootfs);
    ensureDirs.push(host);
    args.push("--bind", host, p);
  };
  bindRoot("/tmp");
  const covered = (p: string) =>
    launch.mounts.some((m) => p === m.mountPath || p.startsWith(`${m.mountPath}/`));
  if (launch.workingDir !== "/" && !covered(launch.workingDir) && launch.workingDir !== "/tmp")
    bindRoot(launch.workingDir);
  for (const m of launch.mounts) {
    ensureDirs.push(m.hostPath);
    args.push(m.readOnly ? "--ro-bind" : "--bind", m.hostPath, m.mountPath);
  }
  args.push("--chdir", launch.workingDir, "--", ...launch.argv);
  return {
    argv: args,
    env: { ...launch.env, TMPDIR: "/tmp", HOME: launch.env.HOME ?? "/tmp" },
    cwd: "/",
    ensureDirs,
  };
};

export const hostCommand = (
  launch: ContainerLaunch,
  dirs: PodDirs,
  isolation: Isolation,
  hostRoot: readonly HostRootEntry[],
  bwrap = "bwrap",
): HostCommand =>
  isolation === "bubblewrap" ? bubblewrapCommand(launch, dirs, hostRoot, bwrap) : plainCommand(launch, dirs);
