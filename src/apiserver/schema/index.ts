// Structural-schema handling for custom resources, as kube-apiserver does it for apiextensions.k8s.io/v1:
// validation (with the CEL subset in cel/), defaulting, pruning and the structural check of a CRD schema.
export { formatValue } from "./causes";
export { applyDefaults } from "./defaults";
export { matchesFormat } from "./formats";
export { childPath, indexPath } from "./path";
export { type PruneResult, prune, pruneWithReport } from "./prune";
export { checkStructural } from "./structural";
export type { FieldCause, FieldReason, JSONSchemaProps, SchemaType, ValidationRule } from "./types";
export { validate, validateUpdate } from "./validate";
