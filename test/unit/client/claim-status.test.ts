import { describe, expect, test } from "bun:test";
import { claimProgress, preferredPodIP } from "../../../src/client/claim-status";

const claim = (status: object) => ({ metadata: { name: "c1", namespace: "ns" }, status });
const ready = (s: string, reason?: string, message?: string) => ({
  conditions: [{ type: "Ready", status: s, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }],
});

describe("claimProgress", () => {
  test("bound and Ready, with either spelling of the sandbox name", () => {
    expect(
      claimProgress(claim({ sandbox: { name: "s1", podIPs: ["10.0.0.1"] }, ...ready("True") }), "ns"),
    ).toEqual({
      _tag: "Bound",
      bound: { sandboxName: "s1", podIPs: ["10.0.0.1"] },
    });
    const v021 = claimProgress(claim({ sandbox: { Name: "s2" }, ...ready("True") }), "ns");
    expect(v021._tag === "Bound" && v021.bound).toEqual({ sandboxName: "s2", podIPs: [] });
  });

  test("a sandbox name without Ready=True, or Ready without a name, is still waiting", () => {
    expect(
      claimProgress(claim({ sandbox: { name: "s1" }, ...ready("False", "SandboxNotReady", "x") }), "ns"),
    ).toEqual({
      _tag: "Waiting",
      reason: "SandboxNotReady",
      message: "x",
    });
    expect(claimProgress(claim(ready("True")), "ns")._tag).toBe("Waiting");
    expect(claimProgress({}, "ns")).toMatchObject({ _tag: "Waiting", reason: "Pending" });
  });

  test("terminal reasons fail with their typed error", () => {
    const failed = (reason: string) => {
      const p = claimProgress(claim(ready("False", reason, "m")), "ns");
      return p._tag === "Failed" ? p.error : undefined;
    };
    expect(failed("TemplateNotFound")?._tag).toBe("TemplateNotFound");
    expect(failed("WarmPoolNotFound")?._tag).toBe("WarmPoolNotFound");
    for (const reason of [
      "InvalidMetadata",
      "EnvVarsInjectionRejected",
      "VolumeClaimTemplatesError",
      "ClaimExpired",
      "SandboxExpired",
    ]) {
      const error = failed(reason);
      expect(error?._tag === "ClaimFailed" && error.reason).toBe(reason);
      expect(error?.message).toBe(`claim ns/c1: ${reason}: m`);
    }
    expect(failed("SandboxCreatePending")).toBeUndefined();
  });
});

describe("preferredPodIP", () => {
  test("IPv4 first, else the first address", () => {
    expect(preferredPodIP(["fd00::1", "10.0.0.2"])).toBe("10.0.0.2");
    expect(preferredPodIP(["fd00::1"])).toBe("fd00::1");
    expect(preferredPodIP([])).toBeUndefined();
  });
});
