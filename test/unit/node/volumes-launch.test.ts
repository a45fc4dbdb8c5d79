import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { hostCommand } from "../../../src/node/launch";
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

describe("hostCommand", () => {
  const launch = {
    argv: ["bun", "main.ts"],
    env: { SANDBOX_BASE_DIR: "/app", PATH: "/bin" },
    workingDir: "/app",
    pathEnv: ["SANDBOX_BASE_DIR"],
    mounts: [{ mountPath: "/data", hostPath: "/pvc", readOnly: true }],
    hostname: "pod",
  };
  const podDirs = { rootfs: "/state/pods/p/rootfs", hidden: ["/state"] };

  test("without isolation, the base dir and working dir are rewritten into the pod root", () => {
    const cmd = hostCommand(launch, podDirs, "none", []);
    expect(cmd.argv).toEqual(["bun", "main.ts"]);
    expect(cmd.cwd).toBe("/state/pods/p/rootfs/app");
    expect(cmd.env.SANDBOX_BASE_DIR).toBe("/state/pods/p/rootfs/app");
    expect(cmd.env.TMPDIR).toBe("/state/pods/p/rootfs/tmp");
    expect(cmd.ensureDirs).toContain("/pvc");
  });

  test("with bubblewrap, the host is read-only, the state dir hidden and only pod paths writable", () => {
    const cmd = hostCommand(launch, podDirs, "bubblewrap", [
      { name: "usr" },
      { name: "bin", symlinkTarget: "usr/bin" },
      { name: "proc" },
    ]);
    const args = cmd.argv.join(" ");
    expect(cmd.argv[0]).toBe("bwrap");
    expect(args).toContain("--unshare-pid");
    expect(args).not.toContain("--unshare-net");
    expect(args).toContain("--ro-bind /usr /usr");
    expect(args).toContain("--symlink usr/bin /bin");
    expect(args).not.toContain("--ro-bind /proc");
    expect(args).toContain("--tmpfs /state");
    expect(args).toContain("--bind /state/pods/p/rootfs/app /app");
    expect(args).toContain("--ro-bind /pvc /data");
    expect(args).toContain("--chdir /app -- bun main.ts");
    expect(cmd.env.SANDBOX_BASE_DIR).toBe("/app");
  });
});
