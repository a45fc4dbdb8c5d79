import { Data, Either } from "effect";

/**
 * The image table: how a container image becomes a local command. Local mode pulls nothing; each
 * known image names what its entrypoint would run, using programs already on this machine.
 *
 * | Image                                                                   | Runs                                  |
 * |-------------------------------------------------------------------------|---------------------------------------|
 * | `.../agent-sandbox/python-runtime-sandbox:*` (upstream's runtime image)  | `bun src/runtime/main.ts --host $(POD_IP) --port 8888`, base dir `/app` |
 * | `ghcr.io/agent-sandbox-ts/runtime:*` (ours), `python-runtime-sandbox:*`  | the same                              |
 * | `ghcr.io/agent-sandbox-ts/sandbox-router:*` (ours), the article's `ghcr.io/linuxdweller/sandbox-router:*`, `sandbox-router:*` | `bun src/node/router-entrypoint.ts` (the router's CLI, binds on the pod IP), `LOCAL_POD_CIDR` = the node's pod range |
 * | `python:*`                                                              | `python3`                             |
 * | `busybox:*`, `alpine:*`, `debian:*`, `ubuntu:*`                          | `sh`                                  |
 *
 * Anything else fails the container with `ErrImagePull`, then `ImagePullBackOff`.
 */

/** What an image would contribute to a container, in OCI terms. */
export interface ImageConfig {
  /** ENTRYPOINT: runs unless the container sets `command`. */
  readonly entrypoint: readonly string[];
  /** CMD: the arguments when the container sets neither `command` nor `args`. */
  readonly cmd: readonly string[];
  /** WORKDIR, when the container sets no `workingDir`. */
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Env variables holding in-container paths, rewritten to host paths when pods run without bubblewrap. */
  readonly pathEnv: readonly string[];
}

/** Where the programs the table refers to live on this machine. */
export interface ImageHost {
  /** The Bun executable (`process.execPath` when the agent runs on Bun). */
  readonly bun: string;
  /** Absolute path of `src/runtime/main.ts`. */
  readonly runtimeMain: string;
  /** Absolute path of `src/node/router-entrypoint.ts`. */
  readonly routerEntrypoint: string;
  /** The node's pod range, which the router image may dial through `X-Sandbox-Pod-IP`. */
  readonly podCidr: string;
}

export class ImageNotFound extends Data.TaggedError("ImageNotFound")<{
  readonly image: string;
  readonly message: string;
}> {}

interface ImageEntry {
  readonly pattern: RegExp;
  readonly config: (host: ImageHost) => ImageConfig;
}

/** Optional registry host, then `library/` for Docker Hub official images, tag or digest optional. */
const official = (names: string) =>
  new RegExp(`^(?:docker\\.io/)?(?:library/)?(?:${names})(?::[^@/]+)?(?:@sha256:[0-9a-f]+)?$`);
const exact = (repositories: readonly string[]) =>
  new RegExp(
    `^(?:${repositories.map((r) => r.replaceAll(".", "\\.")).join("|")})(?::[^@/]+)?(?:@sha256:[0-9a-f]+)?$`,
  );

/** Image names of the sandbox runtime: upstream's (the article's template) and our own. */
export const RUNTIME_IMAGES = [
  "us-central1-docker.pkg.dev/k8s-staging-images/agent-sandbox/python-runtime-sandbox",
  "ghcr.io/agent-sandbox-ts/runtime",
  "python-runtime-sandbox",
] as const;

/** Image names of the router: ours (the chart's default) and the article chart's. */
export const ROUTER_IMAGES = [
  "ghcr.io/agent-sandbox-ts/sandbox-router",
  "ghcr.io/linuxdweller/sandbox-router",
  "sandbox-router",
] as const;

/** The image local mode's default template uses. */
export const DEFAULT_RUNTIME_IMAGE = "ghcr.io/agent-sandbox-ts/runtime:latest";

const shellImage = (): ImageConfig => ({
  entrypoint: [],
  cmd: ["sh"],
  workingDir: "/",
  env: {},
  pathEnv: [],
});

const TABLE: readonly ImageEntry[] = [
  {
    pattern: exact(RUNTIME_IMAGES),
    config: (host) => ({
      entrypoint: [host.bun, host.runtimeMain],
      cmd: ["--host", "$(POD_IP)", "--port", "8888"],
      workingDir: "/app",
      env: { SANDBOX_BASE_DIR: "/app" },
      pathEnv: ["SANDBOX_BASE_DIR"],
    }),
  },
  {
    pattern: exact(ROUTER_IMAGES),
    config: (host) => ({
      entrypoint: [host.bun, host.routerEntrypoint],
      cmd: [],
      workingDir: "/",
      env: { LOCAL_POD_CIDR: host.podCidr },
      pathEnv: [],
    }),
  },
  {
    pattern: official("python"),
    config: () => ({ entrypoint: [], cmd: ["python3"], workingDir: "/", env: {}, pathEnv: [] }),
  },
  { pattern: official("busybox|alpine|debian|ubuntu"), config: shellImage },
];

export const resolveImage = (
  image: string | undefined,
  host: ImageHost,
): Either.Either<ImageConfig, ImageNotFound> => {
  const entry = image === undefined ? undefined : TABLE.find((e) => e.pattern.test(image));
  if (entry !== undefined) return Either.right(entry.config(host));
  const name = image ?? "";
  return Either.left(
    new ImageNotFound({
      image: name,
      message: `image "${name}" is not in the node agent's image table (src/node/images.ts); known: ${[...RUNTIME_IMAGES, ...ROUTER_IMAGES].join(", ")}, python, busybox, alpine, debian, ubuntu`,
    }),
  );
};

/** The argv a container runs, by Kubernetes' rules for `command` and `args` against the image. */
export const containerArgv = (
  image: ImageConfig,
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): string[] => {
  if (command !== undefined && command.length > 0) return [...command, ...(args ?? [])];
  return [...image.entrypoint, ...(args !== undefined && args.length > 0 ? args : image.cmd)];
};
