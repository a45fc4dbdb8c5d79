import { dirname, join } from "node:path";
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
  /** A hosts file bound over `/etc/hosts` under bubblewrap (local mode's Service names). */
  readonly hosts?: string;
}

/** The host command that runs a container: argv, env and cwd for `spawn`. */
export interface HostCommand {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Host directories to create before starting. */
  readonly ensureDirs: string[];
  /** Symlinks to create before starting (`path` -> `target`), for mounts nested in other paths. */
  readonly links: { readonly path: string; readonly target: string }[];
}

/** One entry of a host directory. */
export interface HostEntry {
  readonly name: string;
  readonly symlinkTarget?: string;
}

/** The view of the host filesystem a bubblewrap root is built from. */
export interface HostFs {
  /** Entries of a host directory (empty when it is not one). */
  readonly list: (dir: string) => readonly HostEntry[];
  /** Whether the path is a real directory on the host (not a symlink). */
  readonly isDir: (path: string) => boolean;
}

const SKIPPED_ROOT_ENTRIES = new Set(["dev", "proc", "sys", "tmp", "lost+found"]);

const covering = (path: string, mounts: readonly Mount[]) =>
  mounts.filter((m) => m.mountPath !== path && (m.mountPath === "/" || path.startsWith(`${m.mountPath}/`)));

/**
 * Without isolation the container runs on the host filesystem: its working directory and the env
 * variables the image marks as paths are rewritten to where those paths live on the host, TMPDIR
 * and HOME point into the pod's root, and a mount nested below another path is linked into place.
 */
const plainCommand = (launch: ContainerLaunch, dirs: PodDirs): HostCommand => {
  const at = (p: string) => hostPathFor(p, launch.mounts, dirs.rootfs);
  const env: Record<string, string> = {
    ...launch.env,
    TMPDIR: at("/tmp"),
    HOME: at(launch.env.HOME ?? "/root"),
  };
  for (const name of launch.pathEnv) {
    const value = launch.env[name];
    if (value?.startsWith("/")) env[name] = at(value);
  }
  const cwd = at(launch.workingDir);
  const links = launch.mounts
    .filter((m) => m.mountPath !== "/")
    .map((m) => ({
      path: hostPathFor(m.mountPath, covering(m.mountPath, launch.mounts), dirs.rootfs),
      target: m.hostPath,
    }));
  return {
    argv: [...launch.argv],
    env,
    cwd,
    ensureDirs: [...launch.mounts.map((m) => m.hostPath), cwd, env.TMPDIR!, env.HOME!],
    links,
  };
};

/** Every proper ancestor of an absolute path, root first: `/a/b/c` -> `/`, `/a`, `/a/b`. */
const ancestors = (path: string): string[] => {
  const out: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    out.unshift(d);
    if (d === "/") return out;
  }
};

/**
 * Host directories that must be rebuilt in the sandbox (a tmpfs holding read-only binds of their
 * entries) because a mount point has to be created inside them: a path the host lacks cannot be
 * made inside a read-only bind.
 */
const directoriesToRebuild = (needed: readonly string[], host: HostFs): Set<string> => {
  const rebuild = new Set<string>(["/"]);
  for (const path of needed) {
    for (const dir of [...ancestors(path).slice(1), path]) {
      if (host.isDir(dir)) continue;
      for (const a of ancestors(dir)) rebuild.add(a);
      break;
    }
  }
  return rebuild;
};

const rootArgs = (dir: string, rebuild: ReadonlySet<string>, host: HostFs, args: string[]) => {
  for (const entry of host.list(dir)) {
    if (dir === "/" && SKIPPED_ROOT_ENTRIES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.symlinkTarget !== undefined) args.push("--symlink", entry.symlinkTarget, path);
    else if (rebuild.has(path)) {
      args.push("--tmpfs", path);
      rootArgs(path, rebuild, host, args);
    } else args.push("--ro-bind", path, path);
  }
};

/**
 * With bubblewrap: new mount, pid, ipc, uts (and cgroup where possible) namespaces; the host's
 * files read-only, the pod's state hidden, and writable only its root (for `/tmp` and the working
 * directory) and its volumes, bound at their mount paths. Host directories that need a new mount
 * point are rebuilt as a private tmpfs of read-only binds. The network is shared: pods listen on
 * their own loopback address. `--die-with-parent` ends the pod if the agent dies.
 */
const bubblewrapCommand = (
  launch: ContainerLaunch,
  dirs: PodDirs,
  host: HostFs,
  bwrap: string,
): HostCommand => {
  const binds: { host: string; path: string; readOnly: boolean }[] = [];
  const fromRoot = (p: string) =>
    binds.push({ host: hostPathFor(p, [], dirs.rootfs), path: p, readOnly: false });
  fromRoot("/tmp");
  const covered = (p: string) =>
    launch.mounts.some((m) => p === m.mountPath || p.startsWith(`${m.mountPath}/`));
  if (launch.workingDir !== "/" && launch.workingDir !== "/tmp" && !covered(launch.workingDir))
    fromRoot(launch.workingDir);
  for (const m of launch.mounts) binds.push({ host: m.hostPath, path: m.mountPath, readOnly: m.readOnly });
  // The pod's own /tmp hides the host's, where the program may live (a checkout under /tmp, say): keep the
  // top directory of each host path the command names visible, read-only.
  const programDirs = [
    ...new Set(launch.argv.filter((a) => a.startsWith("/tmp/")).map((a) => `/tmp/${a.split("/")[2]}`)),
  ];
  for (const dir of programDirs) binds.push({ host: dir, path: dir, readOnly: true });

  const args = [
    bwrap,
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
  ];
  args.push("--hostname", launch.hostname);
  const hidden = dirs.hidden.filter((d) => d !== "/tmp" && !d.startsWith("/tmp/"));
  rootArgs("/", directoriesToRebuild([...binds.map((b) => b.path), ...hidden], host), host, args);
  args.push("--dev", "/dev", "--proc", "/proc");
  if (dirs.hosts !== undefined) args.push("--ro-bind", dirs.hosts, "/etc/hosts");
  for (const dir of hidden) args.push("--tmpfs", dir);
  for (const b of binds) args.push(b.readOnly ? "--ro-bind" : "--bind", b.host, b.path);
  // State directories inside a program directory stay hidden under its read-only bind.
  for (const dir of dirs.hidden.filter((d) => programDirs.some((p) => d.startsWith(`${p}/`))))
    args.push("--tmpfs", dir);
  args.push("--chdir", launch.workingDir, "--", ...launch.argv);
  return {
    argv: args,
    env: { ...launch.env, TMPDIR: "/tmp", HOME: launch.env.HOME ?? "/tmp" },
    cwd: "/",
    ensureDirs: binds.filter((b) => !programDirs.includes(b.host)).map((b) => b.host),
    links: [],
  };
};

export const hostCommand = (
  launch: ContainerLaunch,
  dirs: PodDirs,
  isolation: Isolation,
  host: HostFs,
  bwrap = "bwrap",
): HostCommand =>
  isolation === "bubblewrap" ? bubblewrapCommand(launch, dirs, host, bwrap) : plainCommand(launch, dirs);
