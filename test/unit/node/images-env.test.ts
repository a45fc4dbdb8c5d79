import { describe, expect, test } from "bun:test";
import { Either } from "effect";
import { buildEnv, expandReferences } from "../../../src/node/env";
import { containerArgv, resolveImage } from "../../../src/node/images";

const host = {
  bun: "/usr/bin/bun",
  runtimeMain: "/repo/src/runtime/main.ts",
  routerEntrypoint: "/repo/src/node/router-entrypoint.ts",
  podCidr: "127.1.0.0/16",
};

describe("image table", () => {
  test("upstream's and our runtime images run the runtime on the pod IP", () => {
    for (const image of [
      "us-central1-docker.pkg.dev/k8s-staging-images/agent-sandbox/python-runtime-sandbox:latest-main",
      "us-central1-docker.pkg.dev/k8s-staging-images/agent-sandbox/python-runtime-sandbox",
      "ghcr.io/agent-sandbox-ts/runtime:0.1.0",
      "python-runtime-sandbox:dev",
    ]) {
      const config = Either.getOrThrow(resolveImage(image, host));
      expect(containerArgv(config, undefined, undefined)).toEqual([
        "/usr/bin/bun",
        "/repo/src/runtime/main.ts",
        "--host",
        "$(POD_IP)",
        "--port",
        "8888",
      ]);
      expect(config.env.SANDBOX_BASE_DIR).toBe("/app");
      expect(config.pathEnv).toEqual(["SANDBOX_BASE_DIR"]);
    }
  });

  test("the chart's and the article's router images run the router's entrypoint with the pod range", () => {
    for (const image of [
      "ghcr.io/agent-sandbox-ts/sandbox-router:0.1.0",
      "ghcr.io/linuxdweller/sandbox-router:v0.2.1",
      "sandbox-router",
    ]) {
      const config = Either.getOrThrow(resolveImage(image, host));
      expect(containerArgv(config, undefined, ["--http-bind-address=:8080"])).toEqual([
        "/usr/bin/bun",
        "/repo/src/node/router-entrypoint.ts",
        "--http-bind-address=:8080",
      ]);
      expect(config.env).toEqual({ LOCAL_POD_CIDR: "127.1.0.0/16" });
    }
  });

  test("python and shell images map to local interpreters", () => {
    expect(Either.getOrThrow(resolveImage("python:3.11-slim", host)).cmd).toEqual(["python3"]);
    expect(Either.getOrThrow(resolveImage("docker.io/library/busybox:1.36", host)).cmd).toEqual(["sh"]);
    expect(Either.getOrThrow(resolveImage("alpine", host)).cmd).toEqual(["sh"]);
  });

  test("unknown images fail with a message naming the table", () => {
    const missing = resolveImage("nginx:latest", host);
    expect(Either.isLeft(missing) && missing.left.message).toContain(
      'image "nginx:latest" is not in the node agent\'s image table',
    );
    expect(Either.isLeft(resolveImage("evil.example/python:3", host))).toBe(true);
    expect(Either.isLeft(resolveImage(undefined, host))).toBe(true);
  });

  test("command replaces the entrypoint, args replace the default arguments", () => {
    const config = Either.getOrThrow(resolveImage("ghcr.io/agent-sandbox-ts/runtime:1", host));
    expect(containerArgv(config, ["sh", "-c"], ["echo hi"])).toEqual(["sh", "-c", "echo hi"]);
    expect(containerArgv(config, undefined, ["--port", "9000"])).toEqual([
      "/usr/bin/bun",
      "/repo/src/runtime/main.ts",
      "--port",
      "9000",
    ]);
    expect(containerArgv(config, ["python3"], undefined)).toEqual(["python3"]);
  });
});

describe("$(VAR) references", () => {
  const vars = new Map([
    ["A", "1"],
    ["POD_IP", "127.1.2.3"],
  ]);
  test("expand defined names and keep the rest", () => {
    expect(expandReferences("--host $(POD_IP)", vars)).toBe("--host 127.1.2.3");
    expect(expandReferences("$(MISSING) $(A)", vars)).toBe("$(MISSING) 1");
    expect(expandReferences("$$(A) $$ $ $(A", vars)).toBe("$(A) $ $ $(A");
  });

  test("env entries see the ones before them, fieldRefs resolve, other sources are reported", () => {
    const built = buildEnv(
      { PATH: "/bin" },
      [
        { name: "X", value: "x" },
        { name: "Y", value: "$(X)-y" },
        { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "S", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
        { name: "EMPTY" },
      ],
      { "status.podIP": "127.1.0.9" },
    );
    expect(built.env).toEqual({ PATH: "/bin", X: "x", Y: "x-y", IP: "127.1.0.9", EMPTY: "" });
    expect(built.unsupported).toEqual(["S"]);
  });
});
