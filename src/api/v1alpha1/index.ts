// v1alpha1: deprecated, served through conversion to the v1beta1 storage version.
export * from "../sharedTypes";
export { UpdateStrategy, UpdateStrategyType } from "../v1beta1/sandboxWarmPool";
export * from "./groupVersion";
export * from "./sandbox";
export * from "./sandboxClaim";
export * from "./sandboxTemplate";
export * from "./sandboxWarmPool";
