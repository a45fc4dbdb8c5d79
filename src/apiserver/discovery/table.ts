// meta.k8s.io/v1 Table output, what `kubectl get` asks for: built-in kinds use kubectl's default columns,
// custom resources their additionalPrinterColumns (NAME and AGE when they declare none).
import { ageOf } from "./age";
import { type ColumnDefinition, column, NAME_COLUMN, type Obj } from "./columns";
import { findAll, type JsonPath, parseJsonPath, printResult } from "./jsonpath";
import { BUILTIN_PRINTERS, DEFAULT_PRINTER, type Printer } from "./printers";
import type { PrinterColumn, ResourceInfo } from "./types";

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableOptions {
  /** What each row carries in `object`; Metadata (a PartialObjectMetadata) is kube's default. */
  readonly includeObject?: IncludeObject;
  /** Leave out columnDefinitions (`?noHeaders=true` / TableOptions.noHeaders, used by watches). */
  readonly noHeaders?: boolean;
  /** Clock for Age cells, in epoch milliseconds. */
  readonly now?: number;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const compiled = new Map<string, JsonPath | null>();
const compile = (jsonPath: string): JsonPath | null => {
  if (!compiled.has(jsonPath)) {
    let path: JsonPath | null = null;
    try {
      path = parseJsonPath(jsonPath);
    } catch {
      // kube rejects such CRDs at creation; one slipping through shows empty cells rather than failing gets.
    }
    if (compiled.size > 4096) compiled.clear();
    compiled.set(jsonPath, path);
  }
  return compiled.get(jsonPath) ?? null;
};

/** A cell as kube-apiserver's CRD table convertor makes it: typed per column, null when absent. */
const customCell = (c: PrinterColumn, o: Obj, now: number): unknown => {
  const path = compile(c.jsonPath);
  const value = path ? findAll(path, o)[0] : undefined;
  if (value === undefined || value === null) return null;
  switch (c.type) {
    case "string":
      return printResult(value);
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date":
      return typeof value === "string" ? ageOf(value, now) : null;
  }
};

const customPrinter = (columns: ReadonlyArray<PrinterColumn>): Printer => ({
  columns: [
    NAME_COLUMN,
    ...columns.map(
      (c): ColumnDefinition =>
        column(
          c.name,
          c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
          c.priority ?? 0,
          c.type,
          c.format ?? "",
        ),
    ),
  ],
  cells: (o, now) => [
    isObj(o.metadata) ? (o.metadata.name ?? "") : "",
    ...columns.map((c) => customCell(c, o, now)),
  ],
});

export const printerFor = (info: ResourceInfo): Printer =>
  info.printerColumns.length > 0
    ? customPrinter(info.printerColumns)
    : (BUILTIN_PRINTERS.get(`${info.group}/${info.kind}`) ?? DEFAULT_PRINTER);

export interface TableRow {
  readonly cells: ReadonlyArray<unknown>;
  readonly object?: unknown;
}

export interface Table {
  readonly kind: "Table";
  readonly apiVersion: "meta.k8s.io/v1";
  readonly metadata: Record<string, unknown>;
  readonly columnDefinitions?: ReadonlyArray<ColumnDefinition>;
  readonly rows: ReadonlyArray<TableRow>;
}

const rowObject = (o: Obj, include: IncludeObject): { object?: unknown } => {
  if (include === "None") return {};
  if (include === "Object") return { object: o };
  return {
    object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata ?? {} },
  };
};

const listMetadata = (input: unknown): Record<string, unknown> => {
  const meta = isObj(input) && isObj(input.metadata) ? input.metadata : {};
  const keep = ["resourceVersion", "continue", "remainingItemCount"];
  return Object.fromEntries(
    Object.entries(meta).filter(([k, v]) => keep.includes(k) && v !== undefined && v !== ""),
  );
};

/**
 * A Table for one object, an array of objects, or a list object (`{items, metadata}`, whose
 * resourceVersion/continue carry over).
 */
export const toTable = (info: ResourceInfo, input: unknown, options: TableOptions = {}): Table => {
  const printer = printerFor(info);
  const now = options.now ?? Date.now();
  const include = options.includeObject ?? "Metadata";
  const items = Array.isArray(input)
    ? input
    : isObj(input) && Array.isArray(input.items)
      ? input.items
      : [input];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMetadata(input),
    ...(options.noHeaders ? {} : { columnDefinitions: printer.columns }),
    rows: items.filter(isObj).map((o) => ({ cells: printer.cells(o, now), ...rowObject(o, include) })),
  };
};
