import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { type HostFs, hostCommand } from "../../../src/node/launch";
import { hostPathFor, planMounts } from "../../../src/node/volumes";

const dirs = { persistentRoot: "/state/volumes", podVolumes: "/state/pods/p/volumes" };
const volumes = [
  { name: "data", persistentVolumeClaim: { claimName: "claim-1" } },
  { name: "scratch", emptyDir: {} },
  { name: "weird" },
];

describe("planMounts", () => {
  test("a PVC maps to a directory keyed by namespace and claim, an emptyDir into the pod", () => {
    const mounts = Either.getOrThrow(
      planMounts(
        "ns",
        volumes,
        [
          { name: "scratch", mountPath: "/app/tmp" },
          { name: "data", mountPath: "/app", subPath: "sub" },
        ],
        dirs,
      ),
    );
    expect(mounts).toEqual([
      { mountPath: "/app", hostPath: "/state/volumes/ns/claim-1/sub", readOnly: false },
      { mountPath: "/app/tmp", hostPath: "/state/pods/p/volumes/scratch", readOnly: false },
    ]);
  });

  test("bad mounts are reported", () => {
    expect(Either.isLeft(planMounts("ns", volumes, [{ name: "nope", mountPath: "/x" }], dirs))).toBe(true);
    expect(Either.isLeft(planMounts("ns", volumes, [{ name: "data", mountPath: "rel" }], dirs))).toBe(true);
    expect(
      Either.isLeft(planMounts("ns", volumes, [{ name: "data", mountPath: "/x", subPath: "../up" }], dirs)),
    ).toBe(true);
    expect(Either.isLeft(planMounts("ns", volumes, [{ name: "weird", mountPath: "/x" }], dirs))).toBe(true);
  });
});

describe("hostPathFor", () => {
  const mounts = [
    { mountPath: "/app", hostPath: "/pvc", readOnly: false },
    { mountPath: "/app/cache", hostPath: "/cache", readOnly: false },
  ];
  test("the deepest covering mount wins; uncovered paths live under the pod root", () => {
    expect(hostPathFor("/app", mounts, "/root")).toBe("/pvc");
    expect(hostPathFor("/app/x/y", mounts, "/root")).toBe("/pvc/x/y");
    expect(hostPathFor("/app/cache/z", mounts, "/root")).toBe("/cache/z");
    expect(hostPathFor("/application", mounts, "/root")).toBe("/root/application");
    expect(hostPathFor("/tmp", mounts, "/root")).toBe("/root/tmp");
  });
});

/** A small fake host: `/usr`, `/etc` (with `hosts`), `/home/alice`, `/bin -> usr/bin`, `/proc`. */
const fakeHost: HostFs = {
  list: (dir) =>
    ({
      "/": [
        { name: "usr" },
        { name: "etc" },
        { name: "home" },
        { name: "bin", symlinkTarget: "usr/bin" },
        { name: "proc" },
      ],
      "/etc": [{ name: "hosts" }, { name: "ssl" }],
      "/home": [{ name: "alice" }],
    })[dir] ?? [],
  isDir: (path) => ["/", "/usr", "/etc", "/etc/ssl", "/home", "/home/alice"].includes(path),
};

describe("hostCommand", () => {
  const launch = {
    argv: ["bun", "main.ts"],
    env: { SANDBOX_BASE_DIR: "/app", PATH: "/bin" },
    workingDir: "/app",
    pathEnv: ["SANDBOX_BASE_DIR"],
    mounts: [
      { mountPath: "/data", hostPath: "/pvc", readOnly: true },
      { mountPath: "/app/cache", hostPath: "/cache", readOnly: false },
    ],
    hostname: "pod",
  };
  const podDirs = { rootfs: "/state/pods/p/rootfs", hidden: ["/state"] };

  test("without isolation, paths are rewritten into the pod root and nested mounts linked into place", () => {
    const cmd = hostCommand(launch, podDirs, "none", fakeHost);
    expect(cmd.argv).toEqual(["bun", "main.ts"]);
    expect(cmd.cwd).toBe("/state/pods/p/rootfs/app");
    expect(cmd.env.SANDBOX_BASE_DIR).toBe("/state/pods/p/rootfs/app");
    expect(cmd.env.TMPDIR).toBe("/state/pods/p/rootfs/tmp");
    expect(cmd.ensureDirs).toContain("/pvc");
    expect(cmd.links).toEqual([
      { path: "/state/pods/p/rootfs/data", target: "/pvc" },
      { path: "/state/pods/p/rootfs/app/cache", target: "/cache" },
    ]);
  });

  test("with bubblewrap, the host is read-only, the state dir hidden and only pod paths writable", () => {
    const cmd = hostCommand(launch, podDirs, "bubblewrap", fakeHost);
    const args = cmd.argv.join(" ");
    expect(cmd.argv[0]).toBe("bwrap");
    expect(args).toContain("--unshare-pid");
    expect(args).not.toContain("--unshare-net");
    expect(args).toContain("--ro-bind /usr /usr");
    expect(args).toContain("--ro-bind /etc /etc");
    expect(args).toContain("--symlink usr/bin /bin");
    expect(args).not.toContain("/proc /proc --");
    expect(args).toContain("--tmpfs /state");
    expect(args).toContain("--bind /state/pods/p/rootfs/app /app");
    expect(args).toContain("--ro-bind /pvc /data");
    expect(args).toContain("--bind /cache /app/cache");
    expect(args).toContain("--chdir /app -- bun main.ts");
    expect(cmd.env.SANDBOX_BASE_DIR).toBe("/app");
  });

  test("a program under /tmp stays visible read-only over the pod's /tmp, with the state dir still hidden", () => {
    const fromTmp = { ...launch, argv: ["/tmp/checkout/node_modules/bun", "/tmp/checkout/src/main.ts"] };
    const dirsInCheckout = { rootfs: "/tmp/checkout/.state/pods/p/rootfs", hidden: ["/tmp/checkout/.state"] };
    const cmd = hostCommand(fromTmp, dirsInCheckout, "bubblewrap", fakeHost);
    const args = cmd.argv.join(" ");
    expect(args).toContain("--bind /tmp/checkout/.state/pods/p/rootfs/tmp /tmp");
    expect(args.indexOf("--ro-bind /tmp/checkout /tmp/checkout")).toBeGreaterThan(args.indexOf("/tmp "));
    expect(args.indexOf("--tmpfs /tmp/checkout/.state")).toBeGreaterThan(
      args.indexOf("--ro-bind /tmp/checkout /tmp/checkout"),
    );
    expect(cmd.ensureDirs).not.toContain("/tmp/checkout");
  });

  test("a mount point the host lacks inside a host directory rebuilds that directory from read-only binds", () => {
    const nested = {
      ...launch,
      workingDir: "/etc/app",
      mounts: [{ mountPath: "/home/alice/work/data", hostPath: "/pvc", readOnly: false }],
    };
    const args = hostCommand(nested, podDirs, "bubblewrap", fakeHost).argv.join(" ");
    expect(args).toContain("--tmpfs /etc --ro-bind /etc/hosts /etc/hosts --ro-bind /etc/ssl /etc/ssl");
    expect(args).not.toContain("--ro-bind /etc /etc");
    expect(args).toContain("--bind /state/pods/p/rootfs/etc/app /etc/app");
    // /home/alice exists, so only it is rebuilt, under a rebuilt /home.
    expect(args).toContain("--tmpfs /home --tmpfs /home/alice");
    expect(args).toContain("--bind /pvc /home/alice/work/data");
    expect(args).toContain("--ro-bind /usr /usr");
  });
});
