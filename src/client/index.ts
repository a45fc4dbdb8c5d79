// The TypeScript SDK: claims as scoped resources (Effect face) and `await using` sessions (Promise face).

export { KubeClient } from "../kube/client";
export type { ClaimProgress } from "./claim-status";
export type { ExecEvent, ExecOptions, ExecutionResult, RunOptions } from "./commands";
export type { ConnectionConfig } from "./connection";
export {
  type ClaimError,
  ClaimFailed,
  ClaimTimeout,
  ConnectionConfigError,
  InvalidPath,
  LifecycleTimeout,
  type RequestError,
  RequestTimeout,
  SandboxRequestError,
  SandboxUnreachable,
  TemplateNotFound,
  WarmPoolNotFound,
} from "./errors";
export type { FileEntry, FileOptions } from "./files";
export {
  type AttachSessionOptions,
  type CallOptions,
  type CreateOptions,
  SandboxClient,
  SandboxSession,
} from "./promise";
export { type AttachOptions, type ClaimOptions, type LifecycleOptions, Sandbox } from "./sandbox";
