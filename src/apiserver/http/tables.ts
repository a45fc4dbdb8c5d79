// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`: objects and lists rendered as Tables, with CRD
// printer columns, through ../discovery's printers.
import { type IncludeObject, type ResourceInfo, toTable } from "../discovery";
import type { Target } from "../engine";
import { badRequest } from "../status";
import type { TableRenderer } from "./resources";

const INCLUDE = new Set<string>(["None", "Metadata", "Object"]);

/** `?includeObject=`: Metadata when absent or empty; any other value is kube-apiserver's 400. */
const includeObjectOf = (q: URLSearchParams): IncludeObject => {
  const requested = q.get("includeObject") ?? "";
  if (requested === "") return "Metadata";
  if (!INCLUDE.has(requested)) {
    throw badRequest(
      `Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(requested)}: must be 'Metadata', 'Object', 'None', or empty`,
    );
  }
  return requested as IncludeObject;
};

/**
 * One renderer per request. Only the first Table it renders carries columnDefinitions: a get or list renders
 * once, and a watch, like kube-apiserver's, sends the columns with its first event only.
 */
export const tableRenderer =
  (resources: () => ReadonlyArray<ResourceInfo>): TableRenderer =>
  (t: Target, q: URLSearchParams) => {
    const info = resources().find(
      (r) => r.group === t.def.group && r.version === t.version && r.plural === t.def.plural,
    );
    if (!info) return undefined;
    const includeObject = includeObjectOf(q);
    let headersSent = false;
    return (body) => {
      const table = toTable(info, body, { includeObject, noHeaders: headersSent });
      headersSent = true;
      return table;
    };
  };
