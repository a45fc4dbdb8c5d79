import { describe, expect, test } from "bun:test";
import { parseArgs, remoteRef, secondsFlag, UsageError } from "../../../src/client/cli/args";
import { claimRow } from "../../../src/client/cli/commands";
import { formatAge, formatTable } from "../../../src/client/cli/table";

describe("parseArgs", () => {
  test("subcommand, positionals, long/short/inline flags, and everything after --", () => {
    expect(parseArgs(["exec", "-n", "team", "--kubeconfig=/k", "c1", "--", "ls", "-l", "--keep"])).toEqual({
      command: "exec",
      positionals: ["c1"],
      rest: ["ls", "-l", "--keep"],
      flags: { namespace: "team", kubeconfig: "/k" },
    });
    expect(parseArgs(["claim", "--keep", "--warm-pool", "p"]).flags).toEqual({
      keep: true,
      "warm-pool": "p",
    });
  });

  test("unknown flags, missing values and values on switches are usage errors", () => {
    for (const argv of [
      ["get", "--nope"],
      ["get", "-x"],
      ["get", "--namespace"],
      ["get", "-n", "--keep"],
      ["claim", "--keep=yes"],
    ])
      expect(() => parseArgs(argv)).toThrow(UsageError);
  });

  test("--timeout must be a positive number", () => {
    expect(secondsFlag(parseArgs(["get", "--timeout", "2.5"]), "timeout")).toBe(2.5);
    for (const bad of ["0", "-1", "soon"])
      expect(() => secondsFlag(parseArgs(["get", `--timeout=${bad}`]), "timeout")).toThrow(UsageError);
  });

  test("remoteRef tells `<claim>:<path>` from local paths", () => {
    expect(remoteRef("c1:dir/a.txt")).toEqual({ claim: "c1", path: "dir/a.txt" });
    expect(remoteRef("./c1:a")).toBeUndefined();
    expect(remoteRef("/tmp/x")).toBeUndefined();
    expect(remoteRef("plain.txt")).toBeUndefined();
  });
});

describe("tables", () => {
  test("columns are padded to their widest cell", () => {
    expect(
      formatTable(
        ["NAME", "X"],
        [
          ["a", "1"],
          ["longer", "22"],
        ],
      ),
    ).toBe("NAME     X\na        1\nlonger   22");
  });

  test("ages read like kubectl's", () => {
    const now = new Date("2026-01-02T00:00:00Z");
    const ago = (s: number) => formatAge(new Date(now.getTime() - s * 1000), now);
    expect([ago(5), ago(150), ago(600), ago(7200 + 600), ago(86400), ago(3 * 86400)]).toEqual([
      "5s",
      "2m30s",
      "10m",
      "130m",
      "24h",
      "3d",
    ]);
  });

  test("a claim row shows the sandbox, Ready and the reason", () => {
    const now = new Date("2026-01-02T00:01:00Z");
    const row = claimRow(
      {
        metadata: { name: "c1", namespace: "ns", creationTimestamp: "2026-01-02T00:00:00Z" },
        status: {
          sandbox: { name: "s1" },
          conditions: [{ type: "Ready", status: "False", reason: "SandboxSuspended" }],
        },
      },
      now,
    );
    expect(row).toEqual(["c1", "s1", "False", "SandboxSuspended", "60s"]);
    expect(claimRow({ metadata: { name: "c2" } }, now)).toEqual([
      "c2",
      "<none>",
      "Unknown",
      "Pending",
      "<unknown>",
    ]);
  });
});
