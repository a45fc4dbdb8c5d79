// The typed model of Agent Sandbox: both API versions of the four kinds, the core Kubernetes types the
// parts read and write, shared names, NameHash, decoding and conversion.
export {
  ConversionError,
  convertObject,
  isSpecificPool,
  poolOfV1alpha1Claim,
} from "./conversion/index";
export { sandboxToV1alpha1, sandboxToV1beta1 } from "./conversion/sandbox";
export { sandboxClaimToV1alpha1, sandboxClaimToV1beta1 } from "./conversion/sandboxClaim";
export { sandboxTemplateToV1alpha1, sandboxTemplateToV1beta1 } from "./conversion/sandboxTemplate";
export { sandboxWarmPoolToV1alpha1, sandboxWarmPoolToV1beta1 } from "./conversion/sandboxWarmPool";
export * from "./core/index";
export { type CustomResourceDefinition, customResourceDefinitions } from "./crd/definitions";
export { crdFileName, renderCrd, renderCrdFiles } from "./crd/render";
export { type JSONSchemaProps, toStructural } from "./crd/structural";
export { DecodeError, formatPath, makeDecoder, makeEncoder } from "./decode";
export { nameHash } from "./hash";
export * from "./names";
export {
  DEFAULT_ENV_VARS_INJECTION_POLICY,
  DEFAULT_NETWORK_POLICY_MANAGEMENT,
  DEFAULT_SHUTDOWN_POLICY,
  DEFAULT_VOLUME_CLAIM_TEMPLATES_POLICY,
} from "./shared";
export * as v1alpha1 from "./v1alpha1/index";
export * as v1beta1 from "./v1beta1/index";
// The controller works on the storage version only; these are its decoders.
export {
  DEFAULT_OPERATING_MODE,
  DEFAULT_UPDATE_STRATEGY_TYPE,
  DEFAULT_WARM_POOL_REPLICAS,
  decodeSandbox,
  decodeSandboxClaim,
  decodeSandboxTemplate,
  decodeSandboxWarmPool,
} from "./v1beta1/index";
