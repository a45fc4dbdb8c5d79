// agents.x-k8s.io / extensions.agents.x-k8s.io v1beta1: the storage version the controller works on.
export { VolumeClaimTemplatesPolicy } from "../shared";
export * from "../sharedTypes";
export * from "./groupVersion";
export * from "./sandbox";
export * from "./sandboxClaim";
export * from "./sandboxTemplate";
export * from "./sandboxWarmPool";
