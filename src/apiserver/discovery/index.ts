// Discovery, OpenAPI and Table output for the embedded API server: pure document builders over a list of
// ResourceInfo (built-ins plus one entry per served CRD version).
export { ageOf, humanDuration } from "./age";
export {
  aggregatedContentType,
  aggregatedDiscovery,
  type DiscoveryFormat,
  negotiateDiscovery,
} from "./aggregated";
export { BUILTIN_RESOURCES } from "./builtin";
export type { ColumnDefinition } from "./columns";
export { fromCRD } from "./crd";
export { findAll, type JsonPath, JsonPathError, parseJsonPath, printResult } from "./jsonpath";
export {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVED_KUBERNETES_VERSION,
  type VersionInfo,
  versionInfo,
} from "./legacy";
export { definitionName } from "./openapi-model";
export { openAPIV2Document } from "./openapi-v2";
export { openAPIV3Document, openAPIV3Index, openAPIV3Path } from "./openapi-v3";
export {
  type IncludeObject,
  printerFor,
  type Table,
  type TableOptions,
  type TableRow,
  toTable,
} from "./table";
export {
  groupVersionOf,
  type PrinterColumn,
  type ResourceInfo,
  STANDARD_VERBS,
  type SubresourceInfo,
  type Verb,
} from "./types";
