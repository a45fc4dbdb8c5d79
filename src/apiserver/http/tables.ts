// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`: objects and lists rendered as Tables, with CRD
// printer columns, through ../discovery's printers.
import { type IncludeObject, type ResourceInfo, toTable } from "../discovery";
import type { Target } from "../engine";
import type { TableRenderer } from "./resources";

const INCLUDE = new Set<IncludeObject>(["None", "Metadata", "Object"]);

export const tableRenderer =
  (resources: () => ReadonlyArray<ResourceInfo>): TableRenderer =>
  (t: Target, q: URLSearchParams) => {
    const info = resources().find(
      (r) => r.group === t.def.group && r.version === t.version && r.plural === t.def.plural,
    );
    if (!info) return undefined;
    const requested = q.get("includeObject") as IncludeObject | null;
    const includeObject = requested && INCLUDE.has(requested) ? requested : "Metadata";
    return (body) => toTable(info, body, { includeObject });
  };
